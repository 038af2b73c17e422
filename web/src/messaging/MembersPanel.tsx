// A group's or channel's members, with their presence; whoever manages it (its creator, a super
// admin, the tenant's partner) adds people from their contacts and removes members.
import { useState } from 'preact/hooks';
import { errorMessage, fieldErrors, ApiError } from '../api/problem';
import { role, user } from '../app/session';
import { roleLabel } from '../tickets/roles';
import { TextField } from '../ui/Field';
import { useResource } from '../ui/useResource';
import { changeMembers, searchContacts, type Conversation } from './api';
import { PresenceDot } from './presence';

/** Whether the person signed in may change the members (the server decides; this hides buttons). */
export function mayManage(c: Conversation): boolean {
  const me = user.value;
  if (!me || c.kind === 'direct') return false;
  return c.created_by === me.id || role.value === 'super_admin' || role.value === 'partner';
}

export function MembersPanel({
  tenantId,
  conversation: c,
  onChanged,
}: {
  tenantId: string;
  conversation: Conversation;
  onChanged: () => unknown;
}) {
  const [q, setQ] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const manage = mayManage(c);
  const contacts = useResource(async () => (manage && q.trim() ? searchContacts(tenantId, q) : []), [tenantId, q, manage]);
  const me = user.value?.id;
  const people = c.people ?? [];

  const change = async (body: { add?: string[]; remove?: string[] }) => {
    setProblem(null);
    try {
      await changeMembers(tenantId, c.id, body);
      setQ('');
      await onChanged();
    } catch (e) {
      const fields = e instanceof ApiError ? Object.values(fieldErrors(e.problem)) : [];
      setProblem(fields.length ? fields.join(' ') : errorMessage(e));
    }
  };

  return (
    <section class="panel chat__members-panel" aria-labelledby="members-heading">
      <h3 id="members-heading">Members ({people.length})</h3>
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      <ul class="list" aria-label="Members">
        {people.map((p) => (
          <li key={p.id}>
            <PresenceDot userId={p.id} /> {p.name} <span class="muted">· {roleLabel(p.role)}</span>
            {p.id === me && <span class="muted"> (you)</span>}
            {manage && p.id !== me && (
              <>
                {' '}
                <button type="button" class="link-button" onClick={() => void change({ remove: [p.id] })}>
                  Remove<span class="visually-hidden"> {p.name}</span>
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {manage && (
        <div class="chat__add-people">
          <TextField label="Add people" name="add" type="search" value={q} onValue={setQ} autoComplete="off" hint="Find someone by name." />
          {contacts.data && q.trim() && (
            <ul class="list" aria-label="People to add">
              {contacts.data.filter((x) => !c.members.includes(x.id)).length === 0 && <li class="muted">Nobody to add matches “{q}”.</li>}
              {contacts.data
                .filter((x) => !c.members.includes(x.id))
                .map((x) => (
                  <li key={x.id}>
                    {x.name} <span class="muted">· {roleLabel(x.role)}</span>{' '}
                    <button type="button" class="link-button" onClick={() => void change({ add: [x.id] })}>
                      Add<span class="visually-hidden"> {x.name}</span>
                    </button>
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
