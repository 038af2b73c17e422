import { describe, expect, it } from 'vitest';
import { commandsFor, noResultsText, ticketNumber } from './commands';

const places = [
  { href: '/', label: 'Dashboard' },
  { href: '/notifications', label: 'Notifications' },
  { href: '/admin/audit', label: 'Audit log' },
];

describe('palette commands', () => {
  it('reads ticket numbers with or without the prefix', () => {
    expect(ticketNumber('kt-1001')).toBe('KT-1001');
    expect(ticketNumber(' 1001 ', 'ACME')).toBe('ACME-1001');
    expect(ticketNumber('1001')).toBeUndefined();
    expect(ticketNumber('audit')).toBeUndefined();
  });

  it('lists everything for an empty query and filters by name', () => {
    expect(commandsFor('', places)).toHaveLength(3);
    expect(commandsFor('aud', places)).toEqual([{ kind: 'go', label: 'Go to Audit log', href: '/admin/audit' }]);
  });

  it('puts the ticket first', () => {
    expect(commandsFor('ACME-7', places)[0]).toEqual({ kind: 'ticket', label: 'Open ticket ACME-7', number: 'ACME-7' });
  });
});

describe('no results', () => {
  it('says what was typed when nothing matches', () => {
    expect(commandsFor('zzz', places)).toEqual([]);
    expect(noResultsText('  zzz ')).toBe('No results for “zzz”');
    expect(noResultsText('   ')).toBeNull();
  });
});
