import { describe, expect, it } from 'vitest';
import { platformKbOf } from './platform';

const me = (tenant: string, system?: string | null) =>
  ({ user: { tenant }, system_kb_tenant_id: system }) as unknown as Parameters<typeof platformKbOf>[0];

describe('platformKbOf', () => {
  it("is the system KB in a partner's portal", () => {
    expect(platformKbOf(me('acme', 'house'))).toBe('house');
  });
  it('is nothing in the house, without a system KB or signed out', () => {
    expect(platformKbOf(me('house', 'house'))).toBeNull();
    expect(platformKbOf(me('acme', null))).toBeNull();
    expect(platformKbOf(me('acme'))).toBeNull();
    expect(platformKbOf(null)).toBeNull();
    expect(platformKbOf(undefined)).toBeNull();
  });
});
