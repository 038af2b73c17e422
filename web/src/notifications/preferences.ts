// Notification settings as the screens use them: the channels and email deliveries a kind can
// have, a grid row per kind (whose choice it is, and what undoes it), the PATCH bodies the grid
// and the quiet-hours form send, the server's field errors placed on their kind, the time zones
// to pick from, and the roles a tenant sets defaults for.
import type { Schemas } from '../api/client';
import type { Problem } from '../api/problem';
import { fieldMessage } from '../api/messages';
import type { Role } from '../app/session';
import type { Option } from '../ui/options';
import { kindLabel, type NotificationKind } from './kinds';

export type Setting = Schemas['NotificationSettingView'];
export type SettingChange = Schemas['NotificationSettingChange'];
export type Preferences = Schemas['NotificationPreferencesView'];
export type PreferencesChange = Schemas['NotificationPreferencesChange'];
export type Delivery = Setting['delivery'];
export type Channel = 'in_app' | 'email' | 'sms' | 'push';

/** What a grid change sends: settings of some kinds, or kinds back to their default. */
export interface KindsChange {
  kinds?: SettingChange[];
  reset?: NotificationKind[];
}

/**
 * Who the grid is for: a person choosing for themselves (over the tenant's or the platform's
 * default), or a tenant choosing a role's default (over the platform's).
 */
export type Scope = 'person' | 'tenant';

export const CHANNELS: readonly { key: Channel; label: string; phrase: string }[] = [
  { key: 'in_app', label: 'In the portal', phrase: 'in the portal' },
  { key: 'email', label: 'Email', phrase: 'by email' },
  { key: 'sms', label: 'Text message', phrase: 'by text message' },
  { key: 'push', label: 'Browser push', phrase: 'by browser push' },
];

export const DELIVERY_OPTIONS = [
  { value: 'instant', label: 'At once' },
  { value: 'hourly', label: 'Hourly digest' },
  { value: 'daily', label: 'Daily digest' },
  { value: 'weekly', label: 'Weekly digest' },
] as const satisfies readonly Option<Delivery>[];

export const deliveryLabel = (d: string) => DELIVERY_OPTIONS.find((o) => o.value === d)?.label ?? d;

/** The accessible name of a kind's channel checkbox: "Replies by email". */
export function channelName(kind: string, channel: Channel): string {
  const c = CHANNELS.find((x) => x.key === channel)!;
  return `${kindLabel(kind)} ${c.phrase}`;
}

/** The accessible name of a kind's email delivery select: "Replies: email delivery". */
export const deliveryName = (kind: string) => `${kindLabel(kind)}: email delivery`;

export interface Row {
  kind: NotificationKind;
  label: string;
  setting: Setting;
  /** Chosen at this level (the person's own, or the tenant's), so it can go back to the default. */
  own: boolean;
  /** The badge: whose choice applies. */
  badge: string;
  /** The button that sends a reset, when there is something to reset. */
  resetLabel?: string;
}

/** The grid's rows, in the order the server lists the kinds. */
export function rowsOf(kinds: readonly Setting[], scope: Scope): Row[] {
  return kinds.map((setting) => {
    const own = scope === 'person' ? setting.source === 'person' : setting.source === 'tenant';
    const badge = scope === 'person' ? (own ? 'Your choice' : 'Default') : own ? 'Set for this portal' : 'Platform default';
    const resetLabel = own ? (scope === 'person' ? 'Use default' : 'Use platform default') : undefined;
    return { kind: setting.kind, label: kindLabel(setting.kind), setting, own, badge, resetLabel };
  });
}

/** One control's new value: a channel on or off, or the email delivery. */
export type Edit = { channel: Channel; on: boolean } | { delivery: Delivery };

/** The body of one grid change: only what changed, so the rest follows what applies now. */
export function changeBody(kind: NotificationKind, edit: Edit): KindsChange {
  return { kinds: ['channel' in edit ? { kind, [edit.channel]: edit.on } : { kind, delivery: edit.delivery }] };
}

/** The body that takes a kind back to the default above. */
export const resetBody = (kind: NotificationKind): KindsChange => ({ reset: [kind] });

/** The setting as it will read once the change is saved (shown at once, before the answer). */
export function applyEdit(setting: Setting, edit: Edit, scope: Scope): Setting {
  const source = scope === 'person' ? 'person' : 'tenant';
  return 'channel' in edit ? { ...setting, [edit.channel]: edit.on, source } : { ...setting, delivery: edit.delivery, source };
}

/** What a saved change did, for the status line: "Replies by email: off". */
export function describeEdit(kind: NotificationKind, edit: Edit): string {
  if ('channel' in edit) return `${channelName(kind, edit.channel)}: ${edit.on ? 'on' : 'off'}`;
  const when = edit.delivery === 'instant' ? 'at once' : `in a ${deliveryLabel(edit.delivery).toLowerCase()}`;
  return `email of ${kindLabel(kind)} comes ${when}`;
}

/** What a reset did: "Replies back to the default". */
export const describeReset = (kind: NotificationKind, scope: Scope) =>
  `${kindLabel(kind)} back to the ${scope === 'person' ? 'default' : 'platform default'}`;

/**
 * The server's field errors on a grid change, by the kind they are about: `kinds[0].delivery`
 * and `reset[0]` name the body's entries, which `body` maps back to kinds. Errors on other
 * fields are left for the summary.
 */
export function kindErrors(problem: Problem | undefined, body: KindsChange): Partial<Record<NotificationKind, string>> {
  const out: Partial<Record<NotificationKind, string>> = {};
  for (const { field, message } of problem?.errors ?? []) {
    const m = field.match(/^(kinds|reset)\[(\d+)\]/);
    if (!m) continue;
    const i = Number(m[2]);
    const kind = m[1] === 'kinds' ? body.kinds?.[i]?.kind : body.reset?.[i];
    if (kind) out[kind] ??= fieldMessage(field, message);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Time zone and quiet hours

/** The form's values, named as the API names its fields (so its errors land on them). */
export interface QuietForm {
  time_zone: string;
  quiet_hours: boolean;
  'quiet_hours.start': string;
  'quiet_hours.end': string;
}

/** Where quiet hours start out when someone first turns them on. */
export const QUIET_DEFAULT = { start: '22:00', end: '07:00' };

export function quietFormOf(prefs: Pick<Preferences, 'time_zone' | 'quiet_hours'>): QuietForm {
  return {
    time_zone: prefs.time_zone,
    quiet_hours: Boolean(prefs.quiet_hours),
    'quiet_hours.start': prefs.quiet_hours?.start ?? QUIET_DEFAULT.start,
    'quiet_hours.end': prefs.quiet_hours?.end ?? QUIET_DEFAULT.end,
  };
}

/** The PATCH body of the form: the zone, and quiet hours from start to end or off (null). */
export function quietChange(form: QuietForm): PreferencesChange {
  return {
    time_zone: form.time_zone,
    quiet_hours: form.quiet_hours ? { start: form['quiet_hours.start'], end: form['quiet_hours.end'] } : null,
  };
}

/** This browser's IANA zone, when it says. */
export function browserZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The zones this browser knows (empty when it cannot list them). */
export function supportedZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

/** "America/Argentina/Buenos_Aires" as "America/Argentina/Buenos Aires". */
export const zoneLabel = (zone: string) => zone.replace(/_/g, ' ');

/**
 * The zones to choose from, sorted: every zone the browser lists, and always UTC, the zone
 * saved now and the browser's own (browsers list canonical names only, and may leave out UTC
 * or a zone saved under another name, which would then be impossible to keep).
 */
export function timeZoneOptions(current: string, browser?: string, supported: readonly string[] = supportedZones()): Option[] {
  const zones = new Set<string>(supported);
  for (const z of ['UTC', current, browser]) if (z) zones.add(z);
  return [...zones].sort((a, b) => a.localeCompare(b)).map((z) => ({ value: z, label: zoneLabel(z) }));
}

// ---------------------------------------------------------------------------------------------
// Tenant defaults

const HOUSE_ROLES: readonly Role[] = ['super_admin', 'staff', 'client'];
const PARTNER_ROLES: readonly Role[] = ['partner', 'partner_staff', 'client'];

/**
 * The roles a tenant has. Super admins belong to the house tenant, the only one of its kind, so
 * the one they are in is the house; every other tenant (and a partner's own) is a partner's.
 */
export function tenantRoles(viewer: { role: Role | null; tenant: string }, tenantId: string): readonly Role[] {
  return viewer.role === 'super_admin' && viewer.tenant === tenantId ? HOUSE_ROLES : PARTNER_ROLES;
}

const PLURAL: Record<Role, string> = {
  super_admin: 'super admins',
  staff: 'staff',
  partner: 'partners',
  partner_staff: 'partner staff',
  client: 'clients',
};

/** "clients", "partner staff". */
export const rolePlural = (role: Role) => PLURAL[role];
