// For those who manage tickets: status, priority (with one-step escalation) and assignee.
import { useEffect, useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { ApiError } from '../api/problem';
import { isHouseStaff, user } from '../app/session';
import { FormError, SelectField } from '../ui/Field';
import { useResource } from '../ui/useResource';
import { useShortcuts } from '../ui/useShortcuts';
import type { Ticket } from './api';
import { isPriority, isStatus, PRIORITIES, priorityLabel, raisedPriority, STATUSES } from './labels';
import { roleLabel } from './roles';

type Change = Pick<Schemas['TicketUpdate'], 'status' | 'priority' | 'assignee_id'>;

const ASSIGNABLE = new Set(['super_admin', 'staff', 'partner', 'partner_staff']);

async function assignableUsers(tenantIds: string[]) {
  const pages = await Promise.all(
    tenantIds.map(async (tenant_id) => {
      const { data } = await api.GET('/api/v1/tenants/{tenant_id}/users', { params: { path: { tenant_id }, query: { limit: 100 } } });
      return data?.items ?? [];
    }),
  );
  return pages.flat().filter((u) => ASSIGNABLE.has(u.role) && u.status === 'active');
}

export function ManagePanel({ ticket, update }: { ticket: Ticket; update: (c: Change) => Promise<void> }) {
  const me = user.value!;
  const [status, setStatus] = useState(ticket.status);
  const [priority, setPriority] = useState(ticket.priority);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tenants = isHouseStaff.value && ticket.tenant_id !== me.tenant ? [ticket.tenant_id, me.tenant] : [ticket.tenant_id];
  const people = useResource(() => assignableUsers(tenants), [ticket.tenant_id]);
  const raised = raisedPriority(ticket.priority);
  // Changed elsewhere (a merge, a bulk change, a reload after a conflict): show it as it is now.
  useEffect(() => setStatus(ticket.status), [ticket.status]);
  useEffect(() => setPriority(ticket.priority), [ticket.priority]);

  const run = async (change: Change) => {
    setBusy(true);
    setError(null);
    try {
      await update(change);
      if (change.status) setStatus(change.status);
      if (change.priority) setPriority(change.priority);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 412
          ? 'Someone else changed this ticket; it has been reloaded. Please try again.'
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  useShortcuts(true, {
    e: () => raised && void run({ priority: raised }),
    m: () => void run({ assignee_id: me.id }),
  });

  const assignees = [
    { value: '', label: 'Nobody' },
    ...(people.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${roleLabel(u.role)})` })),
  ];
  if (ticket.assignee_id && !assignees.some((o) => o.value === ticket.assignee_id)) {
    assignees.push({ value: ticket.assignee_id, label: ticket.assignee_id === me.id ? `${me.name} (you)` : 'Someone else' });
  }

  return (
    <section class="panel" aria-labelledby="manage-heading">
      <h2 id="manage-heading">Manage</h2>
      <FormError message={error} />
      <div class="form">
        <div class="actions">
          <SelectField label="Status" name="status" value={status} options={STATUSES} onValue={setStatus} />
          <button
            type="button"
            class="button button--secondary"
            disabled={busy || status === ticket.status}
            onClick={() => isStatus(status) && run({ status })}
          >
            Update status
          </button>
        </div>
        <div class="actions">
          <SelectField label="Priority" name="priority" value={priority} options={PRIORITIES} onValue={setPriority} />
          <button
            type="button"
            class="button button--secondary"
            disabled={busy || priority === ticket.priority}
            onClick={() => isPriority(priority) && run({ priority })}
          >
            Change priority
          </button>
        </div>
        {raised && (
          <button type="button" class="button" disabled={busy} onClick={() => run({ priority: raised })}>
            Escalate to {priorityLabel(raised)}
          </button>
        )}
        <SelectField
          label="Assignee"
          name="assignee_id"
          value={ticket.assignee_id ?? ''}
          options={assignees}
          onValue={(v) => void run({ assignee_id: v || null })}
        />
        {ticket.assignee_id !== me.id && (
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => run({ assignee_id: me.id })}>
            Assign to me
          </button>
        )}
      </div>
    </section>
  );
}
