// The announcements live for the signed-in person: read after sign-in, every minute, when the
// window regains focus and after a dismissal; the banner and the modal show what is unread.
import { signal } from '@preact/signals';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';

export type Announcement = Schemas['AnnouncementView'];

export const liveAnnouncements = signal<Announcement[]>([]);

export async function refreshAnnouncements(): Promise<void> {
  try {
    const { data, response } = await api.GET('/api/v1/announcements/live');
    if (response.ok && data) liveAnnouncements.value = data.items;
  } catch {
    // No answer: keep what is shown.
  }
}

/** Marks one read (dismissed): gone from the banner and the modal at once. */
export async function dismiss(id: string): Promise<void> {
  liveAnnouncements.value = liveAnnouncements.value.map((a) => (a.id === id ? { ...a, read: true } : a));
  unwrap(await api.POST('/api/v1/announcements/{announcement_id}/read', { params: { path: { announcement_id: id } } }));
}

export function followAnnouncements(): () => void {
  void refreshAnnouncements();
  const timer = window.setInterval(() => void refreshAnnouncements(), 60_000);
  const onFocus = () => void refreshAnnouncements();
  window.addEventListener('focus', onFocus);
  return () => {
    window.clearInterval(timer);
    window.removeEventListener('focus', onFocus);
    liveAnnouncements.value = [];
  };
}

export const severityLabel = (s: Announcement['severity']) => (s === 'critical' ? 'Important' : s === 'warning' ? 'Warning' : 'Notice');
export const showsAs = (a: Announcement, d: Announcement['display'][number]) => a.display.includes(d);
