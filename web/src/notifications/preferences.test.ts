import { describe, expect, it } from 'vitest';
import { createQueue } from './useKindEditor';
import {
  applyEdit,
  changeBody,
  channelName,
  deliveryName,
  describeEdit,
  describeReset,
  kindErrors,
  quietChange,
  quietFormOf,
  resetBody,
  rowsOf,
  tenantRoles,
  timeZoneOptions,
  type Setting,
} from './preferences';

const setting = (kind: Setting['kind'], source: Setting['source'], change: Partial<Setting> = {}): Setting => ({
  kind,
  in_app: true,
  email: true,
  sms: false,
  push: false,
  delivery: 'instant',
  source,
  ...change,
});

describe('rowsOf', () => {
  const kinds = [setting('ticket_reply', 'person'), setting('invoice_issued', 'tenant'), setting('message', 'platform')];

  it('marks the person’s own choices, which can go back to the default', () => {
    const rows = rowsOf(kinds, 'person');
    expect(rows.map((r) => [r.kind, r.label, r.badge, r.resetLabel])).toEqual([
      ['ticket_reply', 'Replies', 'Your choice', 'Use default'],
      ['invoice_issued', 'New invoices', 'Default', undefined],
      ['message', 'New messages', 'Default', undefined],
    ]);
  });

  it('marks a tenant’s choices, which can go back to the platform’s; platform rows have no reset', () => {
    const rows = rowsOf(kinds.slice(1), 'tenant');
    expect(rows.map((r) => [r.kind, r.own, r.badge, r.resetLabel])).toEqual([
      ['invoice_issued', true, 'Set for this portal', 'Use platform default'],
      ['message', false, 'Platform default', undefined],
    ]);
  });
});

describe('grid changes', () => {
  it('names every control for screen readers', () => {
    expect(channelName('ticket_reply', 'email')).toBe('Replies by email');
    expect(channelName('ticket_reply', 'in_app')).toBe('Replies in the portal');
    expect(channelName('message', 'sms')).toBe('New messages by text message');
    expect(channelName('mention', 'push')).toBe('Mentions in messages by browser push');
    expect(deliveryName('invoice_issued')).toBe('New invoices: email delivery');
  });

  it('sends only what changed', () => {
    expect(changeBody('ticket_reply', { channel: 'email', on: false })).toEqual({ kinds: [{ kind: 'ticket_reply', email: false }] });
    expect(changeBody('ticket_reply', { delivery: 'daily' })).toEqual({ kinds: [{ kind: 'ticket_reply', delivery: 'daily' }] });
    expect(resetBody('message')).toEqual({ reset: ['message'] });
  });

  it('shows a change at once as the person’s (or the tenant’s) own', () => {
    const before = setting('ticket_reply', 'platform');
    expect(applyEdit(before, { channel: 'sms', on: true }, 'person')).toEqual({ ...before, sms: true, source: 'person' });
    expect(applyEdit(before, { delivery: 'weekly' }, 'tenant')).toEqual({ ...before, delivery: 'weekly', source: 'tenant' });
  });

  it('says what was saved', () => {
    expect(describeEdit('ticket_reply', { channel: 'email', on: false })).toBe('Replies by email: off');
    expect(describeEdit('ticket_reply', { delivery: 'daily' })).toBe('email of Replies comes in a daily digest');
    expect(describeEdit('message', { delivery: 'instant' })).toBe('email of New messages comes at once');
    expect(describeReset('ticket_reply', 'person')).toBe('Replies back to the default');
    expect(describeReset('ticket_reply', 'tenant')).toBe('Replies back to the platform default');
  });

  it('puts the server’s field errors on the kind they are about', () => {
    const problem = {
      type: 'about:blank',
      title: 'Invalid',
      status: 422,
      errors: [
        { field: 'kinds[1].delivery', message: 'use instant, hourly, daily or weekly' },
        { field: 'reset[0]', message: 'this role never receives that kind' },
        { field: 'time_zone', message: 'is not an IANA time zone such as Europe/Berlin' },
      ],
    };
    const body = {
      kinds: [{ kind: 'ticket_reply' as const }, { kind: 'message' as const, delivery: 'daily' as const }],
      reset: ['sla_alert' as const],
    };
    expect(kindErrors(problem, body)).toEqual({
      message: 'Choose at once or a digest from the list.',
      sla_alert: 'This role never receives notifications of this kind.',
    });
    expect(kindErrors(undefined, body)).toEqual({});
  });
});

describe('quiet hours', () => {
  it('start from what is saved, or 22:00 to 07:00 when off', () => {
    expect(quietFormOf({ time_zone: 'Europe/Berlin', quiet_hours: { start: '21:30', end: '06:00' } })).toEqual({
      time_zone: 'Europe/Berlin',
      quiet_hours: true,
      'quiet_hours.start': '21:30',
      'quiet_hours.end': '06:00',
    });
    expect(quietFormOf({ time_zone: 'UTC', quiet_hours: null })).toEqual({
      time_zone: 'UTC',
      quiet_hours: false,
      'quiet_hours.start': '22:00',
      'quiet_hours.end': '07:00',
    });
  });

  it('are saved with the zone, or turned off with null', () => {
    const form = { time_zone: 'America/New_York', quiet_hours: true, 'quiet_hours.start': '23:00', 'quiet_hours.end': '06:30' };
    expect(quietChange(form)).toEqual({ time_zone: 'America/New_York', quiet_hours: { start: '23:00', end: '06:30' } });
    expect(quietChange({ ...form, quiet_hours: false })).toEqual({ time_zone: 'America/New_York', quiet_hours: null });
  });
});

describe('timeZoneOptions', () => {
  it('lists the browser’s zones sorted, with UTC, the saved zone and the browser’s own always there', () => {
    const options = timeZoneOptions('Etc/GMT+5', 'Asia/Kolkata', ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata']);
    expect(options.map((o) => o.value)).toEqual(['America/New_York', 'Asia/Kolkata', 'Etc/GMT+5', 'Europe/Berlin', 'UTC']);
    expect(options[0].label).toBe('America/New York');
  });

  it('still offers the saved zone when the browser lists none', () => {
    expect(timeZoneOptions('UTC', undefined, []).map((o) => o.value)).toEqual(['UTC']);
  });

  it('reads this runtime’s list by default', () => {
    const values = timeZoneOptions('UTC').map((o) => o.value);
    expect(values).toContain('UTC');
    expect(values.length).toBeGreaterThan(1);
  });
});

describe('tenantRoles', () => {
  it('gives the house tenant’s roles to a super admin on their own tenant, a partner’s otherwise', () => {
    expect(tenantRoles({ role: 'super_admin', tenant: 'kt' }, 'kt')).toEqual(['super_admin', 'staff', 'client']);
    expect(tenantRoles({ role: 'super_admin', tenant: 'kt' }, 'acme')).toEqual(['partner', 'partner_staff', 'client']);
    expect(tenantRoles({ role: 'partner', tenant: 'acme' }, 'acme')).toEqual(['partner', 'partner_staff', 'client']);
  });
});

describe('createQueue', () => {
  it('runs one job at a time, in order, past a failure', async () => {
    const queue = createQueue();
    const log: string[] = [];
    const job =
      (name: string, ms: number, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) =>
          setTimeout(() => {
            log.push(name);
            if (fail) reject(new Error(name));
            else resolve(name);
          }, ms),
        );
    const a = queue(job('a', 20));
    const b = queue(job('b', 1, true));
    const c = queue(job('c', 1));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['a', 'b', 'c']);
  });
});
