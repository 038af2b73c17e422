// The bell's count: read once after sign-in, then kept current by `notifications.unread` pushes
// on the person's own `user:<id>` topic.
import { signal } from '@preact/signals';
import { api } from '../api/client';
import { live } from '../live/socket';

export const unread = signal<number | null>(null);

export function followUnread(userId: string): () => void {
  const refresh = async () => {
    const { data } = await api.GET('/api/v1/notifications/unread-count');
    if (data) unread.value = data.unread;
  };
  return live().subscribe(`user:${userId}`, (m) => {
    if (m.type === 'notifications.unread' && typeof m.unread === 'number') unread.value = m.unread;
    // After every (re)connect: catch up on what was missed while away.
    if (m.type === 'subscribed') void refresh();
  });
}
