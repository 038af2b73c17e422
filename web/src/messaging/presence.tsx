// Presence: who of the people one may message is online, away, busy or offline (read on demand
// and every minute while shown), a dot with its words beside names, and this page's signs of
// life (`{"type":"presence","active":...}` over the WebSocket every minute) from which the server
// derives one's own status when it is automatic.
import { signal } from '@preact/signals';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { live } from '../live/socket';

export type Status = Schemas['PresenceView']['status'];
export type Choice = Schemas['PresenceChoice']['status'];

export const presence = signal<Record<string, Status>>({});

export const STATUS_LABEL: Record<Status, string> = {
  online: 'Online',
  away: 'Away',
  do_not_disturb: 'Do not disturb',
  offline: 'Offline',
};

export const CHOICES: { value: Choice; label: string }[] = [
  { value: 'automatic', label: 'Automatic (from activity)' },
  { value: 'away', label: 'Away' },
  { value: 'do_not_disturb', label: 'Do not disturb' },
  { value: 'invisible', label: 'Appear offline' },
];

/** Reads the presence of `users` (the server leaves out anyone one may not message). */
export async function loadPresence(tenantId: string, users: string[]): Promise<void> {
  const ids = [...new Set(users)].filter(Boolean).slice(0, 100);
  if (!ids.length) return;
  try {
    const got = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/presence', { params: { path: { tenant_id: tenantId }, query: { users: ids.join(',') } } }),
    );
    presence.value = { ...presence.value, ...Object.fromEntries(got.people.map((p) => [p.user_id, p.status])) };
  } catch {
    // Presence is a nicety: keep what is shown.
  }
}

export async function myPresence(): Promise<Schemas['MyPresenceView']> {
  return unwrap(await api.GET('/api/v1/notifications/presence'));
}

export async function choosePresence(status: Choice): Promise<Schemas['MyPresenceView']> {
  return unwrap(await api.PUT('/api/v1/notifications/presence', { body: { status } }));
}

/** Tells the server every minute that this page is open, and whether its person did anything. */
export function followPresence(): () => void {
  let active = true;
  const touched = () => (active = true);
  const beat = () => {
    live().publish({ type: 'presence', active });
    active = false;
  };
  const events = ['keydown', 'pointerdown', 'scroll'] as const;
  events.forEach((e) => window.addEventListener(e, touched, { passive: true }));
  const timer = window.setInterval(beat, 60_000);
  beat();
  return () => {
    window.clearInterval(timer);
    events.forEach((e) => window.removeEventListener(e, touched));
  };
}

export function PresenceDot({ userId }: { userId: string }) {
  const status = presence.value[userId];
  if (!status) return null;
  return (
    <span class={`presence presence--${status}`}>
      <span class="presence__dot" aria-hidden="true" />
      <span class="visually-hidden">{STATUS_LABEL[status]}</span>
    </span>
  );
}
