// Filing a ticket (PRD 6.1): category, subject, description, priority, files, and for people
// with more than one organization, which one. As a client types the subject, KB articles that
// may answer it are suggested (flow 6.1, step 4), and the filing is recorded for the KB's
// deflection figures. The confirmation shows the number and the live position; the files
// picked go up once the ticket exists, each with its progress, and one that fails can be
// retried or removed there.
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { me } from '../app/session';
import { Suggestions, useFilingRecord } from '../search/Suggestions';
import { FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { standingOf, ticketPath, type Ticket } from './api';
import { FilePicker, UploadList } from './Attachments';
import { CATEGORIES, isCategory, isPriority, PRIORITIES, type Category, type Priority } from './labels';
import { orgsFor } from './orgs';
import { PositionCard } from './PositionCard';
import { Uploads } from './uploads';
import { useStanding } from './useStanding';

interface TicketValues {
  category: Category | '';
  subject: string;
  description: string;
  priority: Priority;
  org_id: string;
}

const EMPTY: TicketValues = { category: '', subject: '', description: '', priority: 'medium', org_id: '' };

export default function NewTicket() {
  const [filed, setFiled] = useState<Ticket | null>(null);
  const [uploads, setUploads] = useState(() => new Uploads());
  if (filed) {
    const another = () => {
      setUploads(new Uploads());
      setFiled(null);
    };
    return <Filed ticket={filed} uploads={uploads} onAnother={another} />;
  }
  return (
    <TicketForm
      uploads={uploads}
      onFiled={(ticket) => {
        setFiled(ticket);
        void uploads.attach(ticket);
      }}
    />
  );
}

function TicketForm({ onFiled, uploads }: { onFiled: (t: Ticket) => void; uploads: Uploads }) {
  const session = me.value!;
  const form = useForm(EMPTY);
  // One key per attempt to file this ticket: a retry after a lost answer files it once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const orgs = useResource(() => orgsFor(session), [session.user.id]);
  // Suggestions are for clients, about to ask a question the KB may answer.
  const suggesting = session.user.role === 'client';
  const record = useFilingRecord(session.user.tenant);
  const orgOptions = (orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }));
  const chooseOrg = orgOptions.length !== 1;

  const submit = form.submit(async (v) => {
    const orgId = v.org_id || (orgOptions.length === 1 ? orgOptions[0].value : null);
    const ticket = unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/tickets', {
        params: { path: { tenant_id: session.user.tenant }, header: { 'Idempotency-Key': idempotencyKey } },
        // A category not chosen yet goes as it is: the server names it with any other field at fault.
        body: { category: v.category as Category, subject: v.subject, description: v.description, priority: v.priority, org_id: orgId },
      }),
    );
    if (suggesting) void record.filed(ticket.id);
    onFiled(ticket);
  });

  return (
    <Page title="Submit a ticket">
      <form class="form panel" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        {chooseOrg && (
          <SelectField
            label="Organization"
            name="org_id"
            value={form.values.org_id}
            options={orgOptions}
            placeholder="Choose an organization"
            onValue={(v) => form.set('org_id', v)}
            error={form.errors.org_id}
          />
        )}
        <SelectField
          label="Category"
          name="category"
          value={form.values.category}
          options={CATEGORIES}
          placeholder="Choose a category"
          onValue={(v) => form.set('category', isCategory(v) ? v : '')}
          error={form.errors.category}
        />
        <TextField
          label="Subject"
          name="subject"
          value={form.values.subject}
          onValue={(v) => form.set('subject', v)}
          error={form.errors.subject}
          maxLength={200}
        />
        {suggesting && <Suggestions tenantId={session.user.tenant} subject={form.values.subject} record={record} />}
        <TextArea
          label="Description"
          name="description"
          hint="What happened, what you expected, and where. Markdown works."
          value={form.values.description}
          onValue={(v) => form.set('description', v)}
          error={form.errors.description}
          rows={7}
        />
        <SelectField
          label="Priority"
          name="priority"
          value={form.values.priority}
          options={PRIORITIES}
          onValue={(v) => isPriority(v) && form.set('priority', v)}
          error={form.errors.priority}
          hint="Critical means the site or a key service is down."
        />
        <fieldset class="fieldset">
          <legend>Files (optional)</legend>
          <UploadList uploads={uploads} waiting="Sent with the ticket" />
          <FilePicker uploads={uploads} />
        </fieldset>
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            {form.busy ? 'Submitting…' : 'Submit ticket'}
          </button>
          <a href="/" class="button button--secondary">
            Cancel
          </a>
        </div>
      </form>
    </Page>
  );
}

function Filed({ ticket, uploads, onAnother }: { ticket: Ticket; uploads: Uploads; onAnother: () => void }) {
  const standing = useStanding(ticket.tenant_id, ticket.id, standingOf(ticket));
  return (
    <Page title={`Ticket ${ticket.number} submitted`}>
      <p class="alert alert--ok" role="status">
        Thanks. Your ticket <strong>{ticket.number}</strong> is in. We will let you know when someone answers.
      </p>
      <PositionCard standing={standing} number={ticket.number} />
      {uploads.items.value.length > 0 && (
        <section class="panel attachments" aria-labelledby="files-heading">
          <h2 id="files-heading">Files</h2>
          <UploadList uploads={uploads} />
          <FilePicker uploads={uploads} label="Attach more files" />
        </section>
      )}
      <div class="actions">
        <a class="button" href={ticketPath(ticket)}>
          View ticket
        </a>
        <button type="button" class="button button--secondary" onClick={onAnother}>
          Submit another
        </button>
      </div>
    </Page>
  );
}
