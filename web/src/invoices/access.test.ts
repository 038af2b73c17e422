import { describe, expect, it } from 'vitest';
import { draftsInvoices, editsBilling, listView } from './access';
import { parseParty, partyValue } from './parties';

describe('who sees which invoices', () => {
  it('offers each role its list', () => {
    expect(listView('super_admin', 'house', 'acme')).toBe('issuer');
    expect(listView('partner', 'acme', 'acme')).toBe('issuer');
    // A partner reads what Kre8ivTech bills it in the house tenant.
    expect(listView('partner', 'acme', 'house')).toBe('billed');
    expect(listView('client', 'acme', 'acme')).toBe('billed');
    expect(listView('client', 'acme', 'house')).toBe('none');
    expect(listView('staff', 'house', 'house')).toBe('drafter');
    expect(listView('partner_staff', 'acme', 'acme')).toBe('none');
    expect(listView(null, 'acme', 'acme')).toBe('none');
  });

  it('lets issuers and Kre8ivTech staff draft, and issuers edit billing', () => {
    expect(['super_admin', 'staff', 'partner', 'partner_staff', 'client'].map((r) => draftsInvoices(r as never))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(['super_admin', 'staff', 'partner'].map((r) => editsBilling(r as never))).toEqual([true, false, true]);
  });

  it('names a billed party in one value', () => {
    expect(partyValue({ kind: 'partner', id: 'acme' })).toBe('partner:acme');
    expect(parseParty('org:globex')).toEqual({ kind: 'org', id: 'globex' });
    expect(parseParty('team:x')).toBeNull();
    expect(parseParty('')).toBeNull();
  });
});
