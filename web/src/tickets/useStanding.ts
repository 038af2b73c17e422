// A ticket's standing kept live over the WebSocket; re-read after every (re)subscription so
// nothing missed while offline stays on screen.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { live } from '../live/socket';
import { applyPush, type Standing } from './standing';

export function useStanding(tenantId: string, ticketId: string, initial: Standing): Standing {
  const [standing, setStanding] = useState<Standing>(initial);

  useEffect(() => setStanding(initial), [ticketId, initial.status, initial.priority, initial.queue?.label]);

  useEffect(() => {
    const reread = async () => {
      const { data } = await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/position', {
        params: { path: { tenant_id: tenantId, ticket_id: ticketId } },
      });
      // The read has no server time to compare with, and the browser's clock may be off: any
      // push after it counts as newer.
      if (data) setStanding((s) => ({ ...s, status: data.status, queue: data.queue ?? null, asOf: undefined }));
    };
    return live().subscribe(`ticket:${ticketId}`, (m) => {
      if (m.type === 'subscribed') void reread();
      else setStanding((s) => applyPush(s, m));
    });
  }, [tenantId, ticketId]);

  return standing;
}
