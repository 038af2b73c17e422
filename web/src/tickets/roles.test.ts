import { describe, expect, it } from 'vitest';
import { manageableRoles } from './roles';

describe('manageableRoles', () => {
  it('follows the user management rows of the permission matrix', () => {
    const values = (viewer: string | null) => manageableRoles(viewer).map((o) => o.value);
    expect(values('super_admin')).toEqual(['super_admin', 'staff', 'partner', 'partner_staff', 'client']);
    expect(values('staff')).toEqual(['partner', 'partner_staff', 'client']);
    expect(values('partner')).toEqual(['partner_staff', 'client']);
    expect(values('partner_staff')).toEqual(['client']);
    expect(values('client')).toEqual([]);
    expect(values(null)).toEqual([]);
  });
});
