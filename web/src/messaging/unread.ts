// The count on "Messages" in the navigation: read after sign-in, when the window regains focus,
// and after sending or reading (`refreshMessagesUnread`).
import { signal } from '@preact/signals';
import { api } from '../api/client';

export const messagesUnread = signal(0);

let tenant: string | undefined;

export async function refreshMessagesUnread(): Promise<void> {
  if (!tenant) return;
  try {
    const { data, response } = await api.GET('/api/v1/tenants/{tenant_id}/conversations/unread', {
      params: { path: { tenant_id: tenant } },
    });
    const total = data?.total;
    if (response.ok && typeof total === 'number') messagesUnread.value = total;
  } catch {
    // No answer: keep the count shown.
  }
}

export function followMessagesUnread(tenantId: string): () => void {
  tenant = tenantId;
  void refreshMessagesUnread();
  const onFocus = () => void refreshMessagesUnread();
  window.addEventListener('focus', onFocus);
  return () => {
    window.removeEventListener('focus', onFocus);
    tenant = undefined;
    messagesUnread.value = 0;
  };
}
