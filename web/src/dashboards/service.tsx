// The dashboards' service-request widget: the requests waiting for review (PRD 5.1 and 5.3
// "Pending service requests"), newest first.
import { Empty } from '../ui/Card';
import { useResource } from '../ui/useResource';
import { ResourceCard } from './widgets';
import { formatDateTime } from '../ui/format';
import { isPending, listRequests, pendingRequests, requestPath, STATUS_LABEL, type ServiceRequest } from '../service/api';

/** The house's: waiting in every tenant. */
export const housePending = () => pendingRequests(5);

/** A partner's: their tenant's requests still waiting for review. */
export async function tenantPending(tenantId: string): Promise<ServiceRequest[]> {
  const page = await listRequests(tenantId, { limit: 50 });
  return page.items.filter((r) => isPending(r.status)).slice(0, 5);
}

export function PendingRequests({ items }: { items: ServiceRequest[] }) {
  if (!items.length) return <Empty>No service request is waiting for review.</Empty>;
  return (
    <>
      <ul class="list">
        {items.map((r) => (
          <li key={`${r.tenant_id}/${r.id}`}>
            <a href={requestPath(r)}>{r.title}</a>
            <br />
            <span class="field__hint">
              {r.type_name} · {STATUS_LABEL[r.status]} · {formatDateTime(r.created_at)}
            </span>
          </li>
        ))}
      </ul>
      <a href="/service-requests">All service requests</a>
    </>
  );
}

/** The admin dashboard's card: the requests waiting in every tenant (loaded on its own). */
export function HousePendingCard() {
  const requests = useResource(housePending, []);
  return (
    <ResourceCard title="Pending service requests" resource={requests}>
      {(items) => <PendingRequests items={items} />}
    </ResourceCard>
  );
}
