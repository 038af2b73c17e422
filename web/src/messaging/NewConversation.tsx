// Starting a conversation: find people among your contacts, pick one for a direct conversation
// (found again when it exists) or several for a group, which needs a name; staff and partners
// may instead open a client organization's channel with the people serving it.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/problem';
import { role } from '../app/session';
import { listOrgs } from '../tickets/orgs';
import { FormError, SelectField, TextField } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { roleLabel } from '../tickets/roles';
import { searchContacts, startConversation, type Contact } from './api';

/** The app's own check, in the server's problem shape so it sits next to its field. */
const missingName = () =>
  new ApiError(422, {
    status: 422,
    title: 'Invalid',
    type: 'invalid',
    errors: [{ field: 'name', message: 'Write a name for the group.' }],
  });

export function NewConversation({ tenantId, onStarted }: { tenantId: string; onStarted: () => unknown }) {
  const { route } = useLocation();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<Contact[]>([]);
  const contacts = useResource(() => searchContacts(tenantId, q), [tenantId, q]);
  const form = useForm({ name: '', members: '', org_id: '' });
  const mayChannel = role.value !== null && role.value !== 'client';
  const [channel, setChannel] = useState(false);
  const orgs = useResource(async () => (channel ? listOrgs(tenantId) : []), [tenantId, channel]);
  const group = picked.length > 1;

  const toggle = (c: Contact) => {
    setPicked((p) => (p.some((x) => x.id === c.id) ? p.filter((x) => x.id !== c.id) : [...p, c]));
    form.set('members', '');
  };

  const submit = form.submit(async ({ name, org_id }) => {
    if (channel) {
      const started = await startConversation(tenantId, {
        kind: 'channel',
        members: picked.map((p) => p.id),
        org_id: org_id || undefined,
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      await onStarted();
      route(`/messages/${started.id}`);
      return;
    }
    if (!picked.length) throw new Error('Choose at least one person.');
    if (group && !name.trim()) throw missingName();
    const members = picked.map((p) => p.id);
    const started = await startConversation(tenantId, group ? { kind: 'group', members, name: name.trim() } : { kind: 'direct', members });
    await onStarted();
    route(`/messages/${started.id}`);
  });

  return (
    <form class="form panel" onSubmit={submit} ref={form.formRef} noValidate aria-labelledby="new-conversation">
      <h2 id="new-conversation">New conversation</h2>
      <FormError message={form.formError} />
      {mayChannel && (
        <fieldset class="fieldset">
          <legend>Kind</legend>
          <label class="check">
            <input type="radio" name="kind" checked={!channel} onChange={() => setChannel(false)} /> With people (direct or group)
          </label>
          <label class="check">
            <input type="radio" name="kind" checked={channel} onChange={() => setChannel(true)} /> A client organization’s channel
          </label>
        </fieldset>
      )}
      {channel && (
        <SelectField
          label="Organization"
          name="org_id"
          value={form.values.org_id}
          placeholder="Choose an organization"
          options={(orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }))}
          onValue={(v) => form.set('org_id', v)}
          error={form.errors.org_id}
        />
      )}
      <TextField label="Find people" name="q" type="search" value={q} onValue={setQ} autoComplete="off" />
      <fieldset class="fieldset chat__people" name="members">
        <legend>People</legend>
        {form.errors.members && <p class="field__error">{form.errors.members}</p>}
        {contacts.error && <p class="field__error">{contacts.error.message}</p>}
        {contacts.data && !contacts.data.length && <p class="muted">Nobody matches “{q}”.</p>}
        <ul class="list">
          {[...picked.filter((p) => !contacts.data?.some((c) => c.id === p.id)), ...(contacts.data ?? [])].map((c) => (
            <li key={c.id}>
              <label class="check">
                <input type="checkbox" checked={picked.some((p) => p.id === c.id)} onChange={() => toggle(c)} />
                {c.name} <span class="muted">· {roleLabel(c.role)}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <p class="muted" aria-live="polite">
        {channel
          ? 'The channel holds the people you pick; its name is the organization’s unless you give one.'
          : picked.length === 0
            ? 'Pick one person for a direct conversation, or several for a group.'
            : group
              ? `A group with ${picked.map((p) => p.name).join(', ')}.`
              : `A direct conversation with ${picked[0].name}.`}
      </p>
      {(group || channel) && (
        <TextField
          label={channel ? 'Channel name (optional)' : 'Group name'}
          name="name"
          value={form.values.name}
          onValue={(v) => form.set('name', v)}
          error={form.errors.name}
          required={!channel}
        />
      )}
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          Start conversation
        </button>
        <a class="button button--secondary" href="/messages">
          Cancel
        </a>
      </div>
    </form>
  );
}
