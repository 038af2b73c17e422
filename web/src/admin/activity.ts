// The audit log in words: who did what to what, as a sentence whose people and things link to
// their screens, and runs of the same thing grouped into one line with a count. Used by the
// dashboards' Activity cards and the Audit log page. Ids are never shown: an unknown name reads
// "a user", "an organization"; an unknown action reads from its code ("user.foo_bar" -> "foo
// bar (user)").
import type { Schemas } from '../api/client';

/** An audit entry, with the names the API resolves (optional until every server sends them). */
export type Entry = Schemas['AuditView'] & { actor_name?: string | null; target_name?: string | null };

/** A sentence's piece: plain text, or a name (linked when `href` is set). */
export type Piece = string | { text: string; href?: string };

/** Who is reading, to link only to screens they can open. */
export interface Viewer {
  /** The tenant whose log this is. */
  tenant: string;
  /** The reader's own tenant (screens other than the admin ones show only that one). */
  ownTenant: string;
  role: string | null;
}

/** Consecutive entries with the same actor, action and target, newest first. */
export interface Group {
  entries: Entry[];
  newest: Entry;
  oldest: Entry;
}

const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;

/** Free text from a target (an email, a host, a queue), with any id in it left out. */
const scrub = (s: string) => s.replace(ULID, '…').trim();

const words = (s: string) => s.replace(/[._]+/g, ' ').trim();

/** "user.foo_bar" -> "foo bar (user)"; "foo_bar" -> "foo bar". */
export function actionWords(action: string): string {
  const dot = action.indexOf('.');
  if (dot < 0) return words(action) || 'something';
  const area = words(action.slice(0, dot));
  const what = words(action.slice(dot + 1)) || 'something';
  return area ? `${what} (${area})` : what;
}

export const plainText = (pieces: Piece[]) => pieces.map((p) => (typeof p === 'string' ? p : p.text)).join('');

const MANAGERS = ['super_admin', 'staff', 'partner', 'partner_staff'];

/** The admin screens take `?tenant=` (the super admin's picker) when the log is another tenant's. */
function adminHref(path: string, v: Viewer): string {
  return v.tenant === v.ownTenant ? path : `${path}?tenant=${encodeURIComponent(v.tenant)}`;
}

export function userHref(v: Viewer): string | undefined {
  return v.role && MANAGERS.includes(v.role) ? adminHref('/admin/users', v) : undefined;
}

export function orgHref(id: string | undefined, v: Viewer): string | undefined {
  if (!id || !v.role || !MANAGERS.includes(v.role)) return undefined;
  // A client's page shows the reader's own tenant; for another tenant, its organizations.
  if (v.tenant === v.ownTenant) return `/clients/${encodeURIComponent(id)}`;
  return v.role === 'super_admin' ? adminHref('/admin/orgs', v) : undefined;
}

const tenantHref = (v: Viewer) => (v.role === 'super_admin' ? '/admin/tenants' : undefined);

const and = (list: string[]) => (list.length < 2 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`);

const times = (n: number) => (n === 2 ? 'twice' : `${n} times`);

const capitalised = ([first, ...rest]: Piece[]): Piece[] => {
  if (first === undefined) return [];
  const up = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return [typeof first === 'string' ? up(first) : { ...first, text: up(first.text) }, ...rest];
};

/** The user id a `user.*` or `2fa.*` target starts with ("<id>", "<id>:<org>", "<id>:Staff->Partner"). */
const targetUser = (e: Entry) => e.target?.split(':')[0] || undefined;

const FIRST_FACTOR: Record<string, string> = {
  password: 'a password',
  magic_link: 'an emailed link',
  invitation: 'their invitation link',
  password_reset: 'a password reset link',
};

const SECOND_FACTOR: Record<string, string> = {
  totp: 'an authenticator app',
  sms: 'a text message code',
  recoverycode: 'a recovery code',
};

const WRONG_CODE: Record<string, string> = {
  totp: 'a wrong authenticator app code',
  sms: 'a wrong text message code',
  recoverycode: 'a wrong recovery code',
};

/** "password+totp" -> "with a password and an authenticator app". */
function signedInWith(via: string | null | undefined): string {
  if (!via) return 'signed in';
  const [first = '', second] = via.split('+');
  const factor = (map: Record<string, string>, s: string) => map[s] ?? map[s.replace(/_/g, '')] ?? words(s);
  const how = [factor(FIRST_FACTOR, first), second ? factor(SECOND_FACTOR, second.toLowerCase()) : ''].filter(Boolean);
  return how.length ? `signed in with ${and(how)}` : 'signed in';
}

const PEOPLE: Record<string, string> = {
  super_admin: 'super admins',
  staff: 'staff',
  partner: 'partners',
  partner_staff: 'partner staff',
  client: 'clients',
};

/** The tenant settings a `tenant.settings_changed` entry records, in words (or nothing). */
function settingsWords(target: string | null | undefined): string {
  try {
    const s = JSON.parse(target ?? '') as { require_2fa?: unknown; client_api_enabled?: unknown };
    const roles = Array.isArray(s.require_2fa) ? s.require_2fa.map((r) => PEOPLE[String(r)] ?? words(String(r))) : [];
    const parts = [roles.length ? `a second factor for ${and(roles)}` : 'no second factor required'];
    if (typeof s.client_api_enabled === 'boolean') parts.push(`client API keys ${s.client_api_enabled ? 'on' : 'off'}`);
    return `: ${parts.join('; ')}`;
  } catch {
    return '';
  }
}

/** "Staff->Partner Staff" (after the user id) -> ["staff", "partner staff"]. */
function roleChange(target: string | null | undefined): [string, string] | undefined {
  const m = /^[^:]*:(.+?)->(.+)$/.exec(target ?? '');
  return m ? [words(m[1]).toLowerCase(), words(m[2]).toLowerCase()] : undefined;
}

/** "events/<id>" -> one; "events (3 messages)" -> three. */
function replayed(target: string | null | undefined): string {
  const t = target ?? '';
  const many = /^(.*?) \((\d+) messages?\)$/.exec(t);
  const queue = scrub(many ? many[1] : t.split('/')[0]);
  const count = many ? Number(many[2]) : 1;
  const letters = count === 1 ? 'a dead letter' : `${count} dead letters`;
  return queue ? `replayed ${letters} on the ${queue} queue` : `replayed ${letters}`;
}

/** The sentence for one entry, as pieces (names linked where `viewer` has a screen for them). */
export function describe(e: Entry, viewer: Viewer): Piece[] {
  const who = targetUser(e);
  const self = Boolean(e.actor && who === e.actor);
  // The acting person; someone acting on themselves is also the target (named either way).
  const actorName = e.actor_name ?? (self ? e.target_name : null);
  // Nobody signed in is "someone" when signing in; otherwise the portal acted on its own.
  const nobody = e.actor || e.action.startsWith('auth.') ? 'Someone' : 'The system';
  const actor: Piece = actorName ? { text: actorName, href: userHref(viewer) } : nobody;
  // The person acted on, as "Sam Support's" (or "their" for themselves).
  const user: Piece = e.target_name ? { text: e.target_name, href: userHref(viewer) } : 'a user';
  const whose: Piece[] = self ? ['their'] : [user, "'s"];
  // A membership's organization ("<user id>:<org id>"): no name comes with it.
  const memberOf: Piece = { text: 'an organization', href: orgHref(e.target?.split(':')[1], viewer) };
  const text = (s: string | null | undefined) => scrub(s ?? '');

  const sentence = ((): Piece[] => {
    switch (e.action) {
      case 'api_key.created':
        return [actor, ' created an API key'];
      case 'api_key.revoked':
        return [actor, ' revoked an API key'];
      case 'auth.magic_link_sent':
        return [actor, ' asked for a sign-in link by email'];
      case 'auth.password_reset_sent':
        return [actor, ' asked for a password reset link'];
      case 'auth.password_reset':
        return [actor, ' reset their password'];
      case 'auth.sign_in':
        return [actor, ` ${signedInWith(e.target)}`];
      case 'auth.sign_in_failed':
        return e.target ? [actor, ` failed to sign in as ${text(e.target)}`] : [actor, ' failed to sign in'];
      case 'auth.second_factor_failed': {
        const method = (e.target?.split(':')[1] ?? '').toLowerCase().replace(/_/g, '');
        return [actor, ` entered ${WRONG_CODE[method] ?? 'a wrong sign-in code'}`];
      }
      case 'org.created': {
        const named: Piece = { text: e.target_name ?? 'an organization', href: orgHref(e.target ?? undefined, viewer) };
        if (!e.actor) return e.target_name ? ['the organization ', named, ' was created'] : [named, ' was created'];
        return e.target_name ? [actor, ' created the organization ', named] : [actor, ' created ', named];
      }
      case 'session.reuse_detected':
        return [actor, "'s session was ended because its sign-in token was used twice"];
      case 'session.revoked':
        return [actor, ' signed out one of their sessions'];
      case 'session.revoked_all': {
        const n = Number.parseInt(e.target ?? '', 10);
        return Number.isNaN(n) ? [actor, ' signed out everywhere'] : [actor, ` signed out everywhere (${n} session${n === 1 ? '' : 's'})`];
      }
      case 'tenant.activated':
      case 'tenant.suspended': {
        const tenant: Piece = { text: e.target_name ?? 'a tenant', href: tenantHref(viewer) };
        return [actor, e.action === 'tenant.suspended' ? ' suspended ' : ' reactivated ', tenant];
      }
      case 'tenant.branding_changed':
        return [actor, ' changed the branding'];
      case 'tenant.logo_changed':
        return [actor, ' changed the logo'];
      case 'tenant.domain_mapped':
        return [actor, e.target ? ` connected the domain ${text(e.target)}` : ' connected a domain'];
      case 'tenant.domain_requested':
        return [actor, e.target ? ` asked to use the domain ${text(e.target)}` : ' asked to use a domain'];
      case 'tenant.settings_changed':
        return [actor, ` changed the security settings${settingsWords(e.target)}`];
      case 'user.created':
        if (!e.actor) return [...whose, ' account was created'];
        return self ? [actor, ' created their account'] : [actor, ' created ', ...whose, ' account'];
      case 'user.disabled':
        return [actor, ' disabled ', ...whose, ' account'];
      case 'user.enabled':
        return [actor, ' re-enabled ', ...whose, ' account'];
      case 'user.invitation_accepted':
        return [actor, ' accepted their invitation'];
      case 'user.invitation_resent':
        return [actor, ' sent ', self ? 'themselves' : user, ' a new invitation'];
      case 'user.membership_added':
        return [actor, ' added ', self ? 'themselves' : user, ' to ', memberOf];
      case 'user.membership_removed':
        return [actor, ' removed ', self ? 'themselves' : user, ' from ', memberOf];
      case 'user.renamed':
        return [actor, ' changed ', ...whose, ' name'];
      case 'user.role_changed': {
        const change = roleChange(e.target);
        return [actor, ' changed ', ...whose, change ? ` role from ${change[0]} to ${change[1]}` : ' role'];
      }
      case '2fa.totp_enabled':
        return [actor, ' set up an authenticator app'];
      case '2fa.sms_enabled':
        return [actor, ' set up text message codes'];
      case '2fa.totp_removed':
        return [actor, ' removed their authenticator app'];
      case '2fa.sms_removed':
        return [actor, ' turned off text message codes'];
      case '2fa.recovery_codes_regenerated':
        return [actor, ' made new recovery codes'];
      case '2fa.reset':
        return [actor, ' cleared ', ...whose, ' second factors'];
      case 'dead_letters.replayed':
        return [actor, ` ${replayed(e.target)}`];
      default: {
        // An action this screen does not know yet: its code in words, a name if the API gave one.
        const what = actionWords(e.action);
        const target: Piece[] = e.target_name ? [' · ', { text: e.target_name }] : [];
        return e.actor_name || e.actor ? [actor, `: ${what}`, ...target] : [what, ...target];
      }
    }
  })();
  return capitalised(sentence);
}

/**
 * The entries with names the API left out filled in from the others: a target written as
 * "<user id>:<more>" (a role change, a membership) or a cleared second factor comes without its
 * person's name, which another entry about them often has.
 */
export function withKnownNames(entries: readonly Entry[]): Entry[] {
  const names = new Map<string, string>();
  for (const e of entries) {
    if (e.actor && e.actor_name) names.set(e.actor, e.actor_name);
    if (e.target && e.target_name && e.action.startsWith('user.')) names.set(e.target, e.target_name);
  }
  return entries.map((e) => {
    const who = (e.action.startsWith('user.') || e.action.startsWith('2fa.')) && targetUser(e);
    const name = !e.target_name && who ? names.get(who) : undefined;
    return name ? { ...e, target_name: name } : e;
  });
}

const sameThing = (a: Entry, b: Entry) =>
  (a.actor ?? null) === (b.actor ?? null) && a.action === b.action && (a.target ?? null) === (b.target ?? null);

/** Runs of the same actor doing the same thing to the same target, in the entries' order. */
export function groupRepeats(entries: readonly Entry[]): Group[] {
  const groups: Group[] = [];
  for (const e of entries) {
    const last = groups[groups.length - 1];
    if (last && sameThing(last.newest, e)) {
      last.entries.push(e);
      if (Date.parse(e.at) > Date.parse(last.newest.at)) last.newest = e;
      if (Date.parse(e.at) < Date.parse(last.oldest.at)) last.oldest = e;
    } else groups.push({ entries: [e], newest: e, oldest: e });
  }
  return groups;
}

/** A group's sentence: the entry's, with how many times when more than once. */
export function describeGroup(g: Group, viewer: Viewer): Piece[] {
  const pieces = describe(g.newest, viewer);
  return g.entries.length > 1 ? [...pieces, ` ${times(g.entries.length)}`] : pieces;
}
