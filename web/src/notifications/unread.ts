// The bell's count: read once after sign-in, then kept current by `notifications.unread` pushes
// on the person's own `user:<id>` topic.
import { signal } from '@preact/signals';
import { api } from '../api/client';
import { live } from '../live/socket';

export const unread = signal<number | null>(null);

export function followUnread(userId: string): () => void {
  // Counts from different workers may arrive out of order: keep the newest (`as_of` compares
  // as a string). A read started before a push arrived is older than that push.
  let asOf = '';
  let pushes = 0;
  const refresh = async () => {
    const before = pushes;
    const { data } = await api.GET('/api/v1/notifications/unread-count');
    if (data && pushes === before) unread.value = data.unread;
  };
  return live().subscribe(`user:${userId}`, (m) => {
    if (m.type === 'notifications.unread' && typeof m.unread === 'number') {
      const at = typeof m.as_of === 'string' ? m.as_of : '';
      if (at >= asOf) {
        asOf = at;
        pushes += 1;
        unread.value = m.unread;
      }
    }
    // After every (re)connect: catch up on what was missed while away.
    if (m.type === 'subscribed') void refresh();
  });
}
