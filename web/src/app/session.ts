// Who is signed in: GET /me at start and after every sign-in, cleared on sign-out or when the
// session cannot be refreshed.
import { computed, signal } from '@preact/signals';
import { api, onSignedOut, type Schemas } from '../api/client';
import { applyBranding } from '../theme/branding';

export type Me = Schemas['MeView'];
export type User = Schemas['UserView'];
export type Role = Schemas['NewUserRequest']['role'];

/** undefined while loading, null when signed out. */
export const me = signal<Me | null | undefined>(undefined);
export const user = computed(() => me.value?.user ?? null);
export const role = computed(() => (me.value?.user.role ?? null) as Role | null);

/** Staff, partners and partner staff manage tickets; clients follow their own. */
export const managesTickets = computed(() => role.value !== null && role.value !== 'client');
/** Kre8ivTech's own people, who work the queue across tenants. */
export const isHouseStaff = computed(() => role.value === 'staff' || role.value === 'super_admin');

export async function loadMe(): Promise<Me | null> {
  const { data, response } = await api.GET('/api/v1/me');
  me.value = response.ok && data ? data : null;
  if (me.value) applyBranding(me.value.branding);
  return me.value;
}

/** True when no portal answers at this host (a mistyped or retired address). */
export const noPortal = signal(false);

/** The branding of this host for visitors who are not signed in. */
export async function loadPublicBranding(): Promise<void> {
  const { data, response } = await api.GET('/api/v1/branding');
  if (data) applyBranding(data);
  noPortal.value = response.status === 404;
}

export async function signOut(): Promise<void> {
  await api.POST('/api/v1/auth/sign-out');
  me.value = null;
}

onSignedOut(() => {
  me.value = null;
});
