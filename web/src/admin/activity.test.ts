import { render, within } from '@testing-library/preact';
import { h } from 'preact';
import { describe as group, expect, it } from 'vitest';
import { me, type Me } from '../app/session';
import { ActivityList } from '../dashboards/widgets';
import { actionWords, describe, describeGroup, groupRepeats, plainText, withKnownNames, type Entry, type Viewer } from './activity';

const HOUSE = '01HQ5E0000000000000000000H';
const ACME = '01ACME0000000000000000000A';
const AVERY = '01M8XC0000000000000000000A';
const SAM = '01M8XC0000000000000000000S';
const ORG = '01M8XC000000000000000000RG';
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/;

const admin: Viewer = { tenant: HOUSE, ownTenant: HOUSE, role: 'super_admin' };
const partner: Viewer = { tenant: ACME, ownTenant: ACME, role: 'partner' };
const client: Viewer = { tenant: ACME, ownTenant: ACME, role: 'client' };

let n = 0;
function entry(fields: Partial<Entry> & Pick<Entry, 'action'>): Entry {
  n += 1;
  return {
    id: `01ENTRY${String(n).padStart(19, '0')}`,
    at: '2026-12-01T12:00:00.000Z',
    actor: AVERY,
    actor_name: 'Avery Admin',
    target: null,
    target_name: null,
    ...fields,
  };
}

const say = (fields: Partial<Entry> & Pick<Entry, 'action'>, viewer: Viewer = admin) => plainText(describe(entry(fields), viewer));

group('activity sentences', () => {
  it('says who did what to whom', () => {
    expect(say({ action: 'user.created', target: SAM, target_name: 'Sam Support' })).toBe("Avery Admin created Sam Support's account");
    expect(say({ action: 'user.disabled', target: SAM, target_name: 'Sam Support' })).toBe("Avery Admin disabled Sam Support's account");
    expect(say({ action: 'user.enabled', target: SAM, target_name: 'Sam Support' })).toBe("Avery Admin re-enabled Sam Support's account");
    expect(say({ action: 'user.renamed', target: SAM, target_name: 'Sam Support' })).toBe("Avery Admin changed Sam Support's name");
    expect(say({ action: 'user.invitation_resent', target: SAM, target_name: 'Sam Support' })).toBe(
      'Avery Admin sent Sam Support a new invitation',
    );
    expect(say({ action: 'user.role_changed', target: `${SAM}:Staff->Partner Staff`, target_name: 'Sam Support' })).toBe(
      "Avery Admin changed Sam Support's role from staff to partner staff",
    );
    expect(say({ action: '2fa.reset', target: SAM, target_name: 'Sam Support' })).toBe("Avery Admin cleared Sam Support's second factors");
  });

  it('says how someone signed in', () => {
    const pat = { actor: SAM, actor_name: 'Pat Partner' };
    expect(say({ ...pat, action: 'auth.sign_in', target: 'password' })).toBe('Pat Partner signed in with a password');
    expect(say({ ...pat, action: 'auth.sign_in', target: 'magic_link' })).toBe('Pat Partner signed in with an emailed link');
    expect(say({ ...pat, action: 'auth.sign_in', target: 'password+totp' })).toBe(
      'Pat Partner signed in with a password and an authenticator app',
    );
    expect(say({ ...pat, action: 'auth.sign_in', target: 'invitation+recovery_code' })).toBe(
      'Pat Partner signed in with their invitation link and a recovery code',
    );
    expect(say({ ...pat, action: 'auth.sign_in', target: 'passkey' })).toBe('Pat Partner signed in with passkey');
    expect(say({ ...pat, action: 'auth.second_factor_failed', target: `${SAM}:Totp` })).toBe(
      'Pat Partner entered a wrong authenticator app code',
    );
    expect(say({ ...pat, action: 'auth.second_factor_failed', target: `${SAM}:RecoveryCode` })).toBe(
      'Pat Partner entered a wrong recovery code',
    );
  });

  it('says "someone" for a failed sign-in, with the address tried', () => {
    expect(say({ action: 'auth.sign_in_failed', actor: null, actor_name: null, target: 'x@y.test' })).toBe(
      'Someone failed to sign in as x@y.test',
    );
  });

  it('names what people do to themselves as theirs', () => {
    const self = { actor: SAM, actor_name: null, target: SAM, target_name: 'Sam Support' };
    expect(say({ ...self, action: 'user.invitation_accepted' })).toBe('Sam Support accepted their invitation');
    expect(say({ ...self, action: 'auth.password_reset' })).toBe('Sam Support reset their password');
    expect(say({ ...self, action: 'auth.password_reset_sent' })).toBe('Sam Support asked for a password reset link');
    expect(say({ ...self, action: 'auth.magic_link_sent' })).toBe('Sam Support asked for a sign-in link by email');
    expect(say({ ...self, action: 'user.renamed', actor_name: 'Sam Support' })).toBe('Sam Support changed their name');
    expect(say({ ...self, action: '2fa.totp_enabled' })).toBe('Sam Support set up an authenticator app');
    expect(say({ ...self, action: '2fa.sms_enabled' })).toBe('Sam Support set up text message codes');
    expect(say({ ...self, action: '2fa.totp_removed' })).toBe('Sam Support removed their authenticator app');
    expect(say({ ...self, action: '2fa.sms_removed' })).toBe('Sam Support turned off text message codes');
    expect(say({ ...self, action: '2fa.recovery_codes_regenerated' })).toBe('Sam Support made new recovery codes');
  });

  it('describes tenants, organizations, sessions, keys and dead letters', () => {
    expect(say({ action: 'tenant.suspended', target: ACME, target_name: 'Acme Agency' })).toBe('Avery Admin suspended Acme Agency');
    expect(say({ action: 'tenant.activated', target: ACME, target_name: 'Acme Agency' })).toBe('Avery Admin reactivated Acme Agency');
    const sam = { actor: SAM, actor_name: 'Sam' };
    expect(say({ ...sam, action: 'tenant.branding_changed', target: ACME, target_name: 'Acme Agency' })).toBe('Sam changed the branding');
    expect(say({ ...sam, action: 'tenant.logo_changed', target: ACME })).toBe('Sam changed the logo');
    expect(say({ ...sam, action: 'tenant.domain_mapped', target: 'support.acme.test' })).toBe('Sam connected the domain support.acme.test');
    expect(say({ ...sam, action: 'tenant.domain_requested', target: 'help.acme.test' })).toBe('Sam asked to use the domain help.acme.test');
    expect(
      say({ ...sam, action: 'tenant.settings_changed', target: '{"require_2fa":["super_admin","staff"],"client_api_enabled":false}' }),
    ).toBe('Sam changed the security settings: a second factor for super admins and staff; client API keys off');
    expect(say({ ...sam, action: 'tenant.settings_changed', target: 'not json' })).toBe('Sam changed the security settings');
    expect(say({ action: 'org.created', target: ORG, target_name: 'Globex' })).toBe('Avery Admin created the organization Globex');
    expect(say({ action: 'org.created', target: ORG })).toBe('Avery Admin created an organization');
    expect(say({ action: 'user.membership_added', target: `${SAM}:${ORG}`, target_name: 'Sam Support' })).toBe(
      'Avery Admin added Sam Support to an organization',
    );
    expect(say({ action: 'user.membership_removed', target: `${SAM}:${ORG}` })).toBe('Avery Admin removed a user from an organization');
    expect(say({ action: 'session.revoked', target: ORG })).toBe('Avery Admin signed out one of their sessions');
    expect(say({ action: 'session.revoked_all', target: '3' })).toBe('Avery Admin signed out everywhere (3 sessions)');
    expect(say({ action: 'session.revoked_all', target: '1' })).toBe('Avery Admin signed out everywhere (1 session)');
    expect(say({ action: 'session.reuse_detected', target: ORG })).toBe(
      "Avery Admin's session was ended because its sign-in token was used twice",
    );
    expect(say({ action: 'api_key.created', target: ORG })).toBe('Avery Admin created an API key');
    expect(say({ action: 'api_key.revoked', target: ORG })).toBe('Avery Admin revoked an API key');
    expect(say({ action: 'dead_letters.replayed', target: `events/${ORG}` })).toBe(
      'Avery Admin replayed a dead letter on the events queue',
    );
    expect(say({ action: 'dead_letters.replayed', target: 'events (3 messages)' })).toBe(
      'Avery Admin replayed 3 dead letters on the events queue',
    );
  });

  it('never shows an id: unknown names read "a user", "an organization", "a tenant"', () => {
    const unnamed = [
      say({ action: 'user.created', target: SAM }),
      say({ action: 'user.role_changed', target: `${SAM}:Staff->Partner` }),
      say({ action: 'tenant.suspended', target: ACME }),
      say({ action: 'org.created', target: ORG }),
      say({ action: 'auth.sign_in', actor: SAM, actor_name: null, target: 'password' }),
      say({ action: 'auth.sign_in_failed', actor: null, actor_name: null, target: `someone ${SAM}` }),
      say({ action: 'user.foo_bar', target: SAM }),
    ];
    for (const s of unnamed) expect(s).not.toMatch(ULID);
    expect(unnamed.slice(0, 5)).toEqual([
      "Avery Admin created a user's account",
      "Avery Admin changed a user's role from staff to partner",
      'Avery Admin suspended a tenant',
      'Avery Admin created an organization',
      'Someone signed in with a password',
    ]);
  });

  it('says what the portal did by itself', () => {
    expect(say({ action: 'user.created', actor: null, actor_name: null, target: SAM, target_name: 'Sam Support' })).toBe(
      "Sam Support's account was created",
    );
    expect(say({ action: 'user.created', actor: null, actor_name: null, target: SAM })).toBe("A user's account was created");
    expect(say({ action: 'org.created', actor: null, actor_name: null, target: ORG, target_name: 'Globex' })).toBe(
      'The organization Globex was created',
    );
    expect(say({ action: 'tenant.logo_changed', actor: null, actor_name: null })).toBe('The system changed the logo');
  });

  it('reads an unknown action from its code', () => {
    expect(actionWords('user.foo_bar')).toBe('foo bar (user)');
    expect(actionWords('dead_letters.purged')).toBe('purged (dead letters)');
    expect(actionWords('tickets.sla.breached')).toBe('sla breached (tickets)');
    expect(actionWords('reindexed')).toBe('reindexed');
    expect(say({ action: 'user.foo_bar', target: SAM })).toBe('Avery Admin: foo bar (user)');
    expect(say({ action: 'user.foo_bar', target: SAM, target_name: 'Sam Support' })).toBe('Avery Admin: foo bar (user) · Sam Support');
    expect(say({ action: 'user.foo_bar', actor: null, actor_name: null })).toBe('Foo bar (user)');
  });

  it('links people and organizations to screens the reader can open', () => {
    const pieces = describe(entry({ action: 'user.created', target: SAM, target_name: 'Sam Support' }), admin);
    expect(pieces).toEqual([
      { text: 'Avery Admin', href: '/admin/users' },
      ' created ',
      { text: 'Sam Support', href: '/admin/users' },
      "'s",
      ' account',
    ]);
    const org = describe(entry({ action: 'org.created', target: ORG, target_name: 'Globex' }), partner);
    expect(org).toContainEqual({ text: 'Globex', href: `/clients/${ORG}` });
    const member = describe(entry({ action: 'user.membership_added', target: `${SAM}:${ORG}` }), partner);
    expect(member).toContainEqual({ text: 'an organization', href: `/clients/${ORG}` });
    // The super admin reading another tenant's log: that tenant's admin screens.
    const elsewhere: Viewer = { tenant: ACME, ownTenant: HOUSE, role: 'super_admin' };
    expect(describe(entry({ action: 'org.created', target: ORG, target_name: 'Globex' }), elsewhere)).toContainEqual({
      text: 'Globex',
      href: `/admin/orgs?tenant=${ACME}`,
    });
    expect(describe(entry({ action: 'user.created', target: SAM, target_name: 'Sam' }), elsewhere)[0]).toEqual({
      text: 'Avery Admin',
      href: `/admin/users?tenant=${ACME}`,
    });
    expect(describe(entry({ action: 'tenant.suspended', target: ACME, target_name: 'Acme Agency' }), admin)).toContainEqual({
      text: 'Acme Agency',
      href: '/admin/tenants',
    });
    // No screen, no link.
    expect(describe(entry({ action: 'tenant.suspended', target: ACME, target_name: 'Acme Agency' }), partner)).toContainEqual({
      text: 'Acme Agency',
      href: undefined,
    });
    expect(describe(entry({ action: 'user.created', target: SAM, target_name: 'Sam' }), client)[0]).toEqual({
      text: 'Avery Admin',
      href: undefined,
    });
  });
});

group('names the API left out', () => {
  it('come from other entries about the same person', () => {
    const entries = withKnownNames([
      entry({ action: 'user.role_changed', target: `${SAM}:Staff->Partner` }),
      entry({ action: '2fa.reset', target: SAM }),
      entry({ action: 'user.membership_added', target: `${AVERY}:${ORG}` }),
      entry({ action: 'user.created', target: SAM, target_name: 'Sam Support' }),
      entry({ action: 'org.created', target: ORG }),
    ]);
    expect(entries.map((e) => plainText(describe(e, admin)))).toEqual([
      "Avery Admin changed Sam Support's role from staff to partner",
      "Avery Admin cleared Sam Support's second factors",
      'Avery Admin added themselves to an organization',
      "Avery Admin created Sam Support's account",
      'Avery Admin created an organization',
    ]);
  });
});

group('grouping repeats', () => {
  const pat = { actor: SAM, actor_name: 'Pat Partner' };
  const signIn = (at: string, target = 'password') => entry({ ...pat, action: 'auth.sign_in', target, at });

  it('folds consecutive repeats by the same actor into one line with a count and a time range', () => {
    const times = Array.from({ length: 10 }, (_, i) => `2026-12-01T${String(12 - i).padStart(2, '0')}:00:00.000Z`);
    const entries = [
      entry({ action: 'user.created', target: SAM, target_name: 'Sam Support', at: '2026-12-01T13:00:00.000Z' }),
      ...times.map((at) => signIn(at)),
      entry({ action: 'auth.sign_in', target: 'password', at: '2026-12-01T02:00:00.000Z' }),
    ];
    const groups = groupRepeats(entries);
    expect(groups.map((g) => g.entries.length)).toEqual([1, 10, 1]);
    expect(groups[1]!.newest.at).toBe('2026-12-01T12:00:00.000Z');
    expect(groups[1]!.oldest.at).toBe('2026-12-01T03:00:00.000Z');
    expect(plainText(describeGroup(groups[1]!, admin))).toBe('Pat Partner signed in with a password 10 times');
    expect(plainText(describeGroup(groups[0]!, admin))).toBe("Avery Admin created Sam Support's account");
    // Another person doing the same is another line.
    expect(plainText(describeGroup(groups[2]!, admin))).toBe('Avery Admin signed in with a password');
  });

  it('keeps apart different targets and runs broken by something else', () => {
    const groups = groupRepeats([
      signIn('2026-12-01T12:00:00.000Z'),
      signIn('2026-12-01T11:00:00.000Z', 'magic_link'),
      signIn('2026-12-01T10:00:00.000Z'),
      entry({ ...pat, action: 'tenant.logo_changed', at: '2026-12-01T09:00:00.000Z' }),
      signIn('2026-12-01T08:00:00.000Z'),
      signIn('2026-12-01T07:00:00.000Z'),
    ]);
    expect(groups.map((g) => g.entries.length)).toEqual([1, 1, 1, 1, 2]);
    expect(plainText(describeGroup(groups[4]!, admin))).toBe('Pat Partner signed in with a password twice');
  });

  it('groups failed sign-ins for the same address', () => {
    const failed = (at: string, target: string) => entry({ action: 'auth.sign_in_failed', actor: null, actor_name: null, target, at });
    const groups = groupRepeats([
      failed('2026-12-01T12:00:03.000Z', 'x@y.test'),
      failed('2026-12-01T12:00:02.000Z', 'x@y.test'),
      failed('2026-12-01T12:00:01.000Z', 'x@y.test'),
      failed('2026-12-01T12:00:00.000Z', 'z@y.test'),
    ]);
    expect(groups.map((g) => plainText(describeGroup(g, admin)))).toEqual([
      'Someone failed to sign in as x@y.test 3 times',
      'Someone failed to sign in as z@y.test',
    ]);
  });

  it('is empty for no entries', () => {
    expect(groupRepeats([])).toEqual([]);
  });
});

group('ActivityList', () => {
  it('shows sentences with links and relative times, the exact time in each <time>', () => {
    me.value = { user: { id: AVERY, tenant: HOUSE, role: 'super_admin', name: 'Avery Admin' } } as unknown as Me;
    const recent = new Date(Date.now() - 5 * 60_000).toISOString();
    const earlier = new Date(Date.now() - 3 * 3600_000).toISOString();
    const items = [
      entry({ action: 'user.created', target: SAM, target_name: 'Sam Support', at: recent }),
      entry({ action: 'auth.sign_in', target: 'password', at: recent }),
      entry({ action: 'auth.sign_in', target: 'password', at: earlier }),
      entry({ action: 'user.foo_bar', target: SAM, at: earlier }),
    ];
    const { container } = render(h(ActivityList, { items }));
    const lines = [...container.querySelectorAll('li')];
    expect(lines.map((l) => l.textContent)).toEqual([
      "Avery Admin created Sam Support's account · 5 minutes ago",
      'Avery Admin signed in with a password twice · 3 hours ago to 5 minutes ago',
      // The unknown action's target is named by another entry about the same person.
      'Avery Admin: foo bar (user) · Sam Support · 3 hours ago',
    ]);
    expect(within(lines[0]!).getByRole('link', { name: 'Sam Support' }).getAttribute('href')).toBe('/admin/users');
    const times = lines[1]!.querySelectorAll('time');
    expect([...times].map((t) => t.getAttribute('datetime'))).toEqual([earlier, recent]);
    expect(times[0]!.getAttribute('title')).toMatch(/\d{4}/);
    expect(container.textContent).not.toMatch(ULID);
    me.value = undefined;
  });

  it('says when there is nothing', () => {
    const { container } = render(h(ActivityList, { items: [] }));
    expect(container.textContent).toBe('No activity in the last 30 days.');
  });
});
