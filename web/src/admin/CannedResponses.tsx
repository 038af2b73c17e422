// Canned responses of the person's own tenant (partners and their staff: the partner's;
// Kre8ivTech's staff: Kre8ivTech's, offered on every tenant's tickets after that tenant's own):
// list, add, edit (guarded by the version, so a concurrent edit is not lost) and delete, with
// the variables a body may use.
import { useRef, useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { staleEdit } from '../api/messages';
import { ApiError, unwrap } from '../api/problem';
import { isHouseStaff, user } from '../app/session';
import { branding } from '../theme/branding';
import { Empty } from '../ui/Card';
import { EditActions, FormError, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm, type FormState } from '../ui/useForm';
import './admin.css';
import { useResource } from '../ui/useResource';

type Canned = Schemas['CannedView'];
type Variable = Schemas['VariableView'];
type Values = { title: string; shortcut: string; body: string };

async function listCanned(tenantId: string) {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/canned-responses', { params: { path: { tenant_id: tenantId } } }));
}

const toBody = (v: Values) => ({ title: v.title, body: v.body, shortcut: v.shortcut.trim() ? v.shortcut.trim().replace(/^\//, '') : null });

export default function CannedResponses() {
  const tenantId = user.value!.tenant;
  const list = useResource(() => listCanned(tenantId), [tenantId]);
  const [said, setSaid] = useState('');
  const owner = isHouseStaff.value ? 'Kre8ivTech' : (branding.value?.tenant_name ?? 'your portal');

  return (
    <Page title="Canned responses">
      <p class="muted">
        {owner}'s saved replies. On a ticket, press <strong>Canned response</strong> above the reply box, or type <kbd>/</kbd> and a
        shortcut at its start; the variables are filled in for that ticket and the text can be edited before sending.
        {isHouseStaff.value ? " On a partner's ticket, that partner's responses are offered first, then these." : ''}
      </p>
      <p role="status" class="visually-hidden">
        {said}
      </p>
      <div class="ticket-layout">
        <div>
          <NewCanned
            tenantId={tenantId}
            onCreated={async (c) => {
              await list.reload();
              setSaid(`Added ${c.title}.`);
            }}
          />
          <section class="panel" aria-labelledby="canned-list">
            <h2 id="canned-list">Saved responses</h2>
            {list.error ? (
              <ErrorNote error={list.error} />
            ) : !list.data ? (
              <Loading />
            ) : !list.data.items.length ? (
              <Empty>No canned responses yet.</Empty>
            ) : (
              <ul class="list">
                {list.data.items.map((c) => (
                  <li key={`${c.id}-${c.version}`}>
                    <CannedItem tenantId={tenantId} canned={c} reload={list.reload} say={setSaid} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <aside aria-label="Variables">{list.data && <Variables variables={list.data.variables} />}</aside>
      </div>
    </Page>
  );
}

function Variables({ variables }: { variables: Variable[] }) {
  return (
    <section class="panel" aria-labelledby="canned-variables">
      <h2 id="canned-variables">Variables</h2>
      <p class="muted">Write them in a body with double braces; each is replaced for the ticket it is used on.</p>
      <dl class="variables">
        {variables.map((v) => (
          <div key={v.name}>
            <dt>
              <code>{`{{${v.name}}}`}</code>
            </dt>
            <dd>{v.description}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function CannedFields({ form }: { form: FormState<Values> }) {
  return (
    <>
      <TextField label="Title" name="title" value={form.values.title} onValue={(v) => form.set('title', v)} error={form.errors.title} />
      <TextField
        label="Shortcut (optional)"
        name="shortcut"
        hint="Letters, digits, - and _; type it after / at the start of the reply box."
        value={form.values.shortcut}
        onValue={(v) => form.set('shortcut', v)}
        error={form.errors.shortcut}
        autoComplete="off"
      />
      <TextArea
        label="Body"
        name="body"
        hint="Markdown, with variables such as {{requester.first_name}} (listed alongside)."
        rows={6}
        value={form.values.body}
        onValue={(v) => form.set('body', v)}
        error={form.errors.body}
      />
    </>
  );
}

function NewCanned({ tenantId, onCreated }: { tenantId: string; onCreated: (c: Canned) => Promise<void> }) {
  const form = useForm<Values>({ title: '', shortcut: '', body: '' });
  const submit = form.submit(async (v) => {
    const created = unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/canned-responses', { params: { path: { tenant_id: tenantId } }, body: toBody(v) }),
    );
    form.reset();
    await onCreated(created);
  });
  return (
    <section class="panel" aria-labelledby="new-canned">
      <h2 id="new-canned">Add a canned response</h2>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <CannedFields form={form} />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Add response
          </button>
        </div>
      </form>
    </section>
  );
}

interface ItemProps {
  tenantId: string;
  canned: Canned;
  reload: () => Promise<void>;
  say: (s: string) => void;
}

function CannedItem({ tenantId, canned, reload, say }: ItemProps) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const path = { tenant_id: tenantId, canned_id: canned.id };

  const remove = async () => {
    setError(null);
    try {
      unwrap(await api.DELETE('/api/v1/tenants/{tenant_id}/canned-responses/{canned_id}', { params: { path } }));
      say(`Deleted ${canned.title}.`);
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (editing) {
    return (
      <EditCanned
        tenantId={tenantId}
        canned={canned}
        onDone={async (saved) => {
          setEditing(false);
          if (saved) {
            say(`Saved ${saved.title}.`);
            await reload();
          }
          queueMicrotask(() => editButton.current?.focus());
        }}
        reload={reload}
      />
    );
  }
  return (
    <article class="canned" aria-label={canned.title}>
      <h3 class="canned__title">
        {canned.title} {canned.shortcut && <span class="badge mono">/{canned.shortcut}</span>}
      </h3>
      <p class="canned__body">{canned.body}</p>
      <FormError message={error} />
      <div class="actions">
        <button type="button" class="button button--small button--secondary" ref={editButton} onClick={() => setEditing(true)}>
          Edit<span class="visually-hidden"> {canned.title}</span>
        </button>
        {confirming ? (
          <>
            <button type="button" class="button button--small button--danger" onClick={() => void remove()}>
              Delete {canned.title} for good
            </button>
            <button type="button" class="button button--small button--secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" class="button button--small button--secondary" onClick={() => setConfirming(true)}>
            Delete<span class="visually-hidden"> {canned.title}</span>
          </button>
        )}
      </div>
    </article>
  );
}

function EditCanned({
  tenantId,
  canned,
  onDone,
  reload,
}: {
  tenantId: string;
  canned: Canned;
  onDone: (saved?: Canned) => Promise<void>;
  reload: () => Promise<void>;
}) {
  const form = useForm<Values>({ title: canned.title, shortcut: canned.shortcut ?? '', body: canned.body });
  const [stale, setStale] = useState(false);
  const submit = form.submit(async (v) => {
    try {
      const saved = unwrap(
        await api.PUT('/api/v1/tenants/{tenant_id}/canned-responses/{canned_id}', {
          params: { path: { tenant_id: tenantId, canned_id: canned.id }, header: { 'If-Match': `"${canned.version}"` } },
          body: toBody(v),
        }),
      );
      await onDone(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        // The form's own words (it knows what was edited); the API's 412 says only that it changed.
        throw new Error(staleEdit('response'));
      }
      throw e;
    }
  });
  return (
    <form class="form canned canned--editing" onSubmit={submit} ref={form.formRef} noValidate aria-label={`Edit ${canned.title}`}>
      <h3 class="canned__title">Edit {canned.title}</h3>
      <FormError message={form.formError} />
      <CannedFields form={form} />
      <EditActions save="Save changes" busy={form.busy} stale={stale} onReload={() => void reload()} onCancel={() => void onDone()} />
    </form>
  );
}
