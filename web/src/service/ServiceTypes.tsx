// Service types (super admins): the services clients may ask for, in the order offered, retired
// ones included. Add one; rename, describe, reorder or retire it; bind a published form to ask
// with and a field of that form to price the request by, and whether such a price is quoted at
// once (a sent quote, valid for some days). Edits are guarded by the version.
import { useId, useRef, useState } from 'preact/hooks';
import { staleEdit } from '../api/messages';
import { ApiError } from '../api/problem';
import { role } from '../app/session';
import { formVersion, listForms, type FormView } from '../forms/api';
import type { FormDocument } from '../forms/types';
import { Empty } from '../ui/Card';
import { EditActions, FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm, type FormState } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { createType, listTypes, updateType, type ServiceType } from './api';
import {
  bindableForms,
  blankType,
  inOrder,
  nextPosition,
  priceFields,
  toTypeRequest,
  typeValues,
  withCurrent,
  type TypeValues,
} from './serviceTypes';
import './service.css';

async function allForms(): Promise<FormView[]> {
  const items: FormView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listForms({ cursor, limit: 100 });
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

// Each form version's document once per visit: every type bound to it prices from the same.
const documents = new Map<string, Promise<FormDocument>>();
const documentOf = (f: FormView) => {
  const key = `${f.id}@${f.published_version}`;
  if (!documents.has(key)) documents.set(key, formVersion(f.id, f.published_version!));
  return documents.get(key)!;
};

export default function ServiceTypes() {
  if (role.value !== 'super_admin') {
    return (
      <Page title="Service types">
        <Empty>Only Kre8ivTech’s super admins change the service types.</Empty>
      </Page>
    );
  }
  return <Settings />;
}

function Settings() {
  const types = useResource(() => listTypes(true), []);
  const forms = useResource(allForms, []);
  const [said, setSaid] = useState('');
  const list = types.data ? inOrder(types.data) : [];
  const usable = forms.data ?? [];

  return (
    <Page title="Service types">
      <p class="muted">
        The services clients ask for, in the order they are offered. Bind a published form to ask with it; a number, currency or calculated
        field of that form prices each request (its estimate). Retired types are no longer offered; their requests stay as they are.
      </p>
      <p role="status" class="visually-hidden">
        {said}
      </p>
      {forms.error && <ErrorNote error={forms.error} />}
      {types.data && (
        <NewType
          key={nextPosition(list)}
          position={nextPosition(list)}
          forms={usable}
          onCreated={async (t) => {
            await types.reload();
            setSaid(`Added ${t.name}.`);
          }}
        />
      )}
      <section class="panel" aria-labelledby="types-list">
        <h2 id="types-list">Service types, in the order offered</h2>
        {types.error ? (
          <ErrorNote error={types.error} />
        ) : !types.data ? (
          <Loading />
        ) : !list.length ? (
          <Empty>No service types yet.</Empty>
        ) : (
          <ol class="list">
            {list.map((t) => (
              <li key={t.id}>
                <TypeItem type={t} forms={usable} reload={types.reload} say={setSaid} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </Page>
  );
}

function TypeFields({ form, forms }: { form: FormState<TypeValues>; forms: FormView[] }) {
  const { values: v, errors, set } = form;
  const bindable = bindableForms(forms);
  const chosen = forms.find((f) => f.id === v.form_id);
  const fields = useResource(
    async () => (chosen?.published_version != null ? priceFields(await documentOf(chosen)) : []),
    [chosen?.id, chosen?.published_version],
  );
  const formOptions = withCurrent(
    bindable.map((f) => ({ value: f.id, label: f.name })),
    v.form_id,
    () => `${chosen?.name ?? 'A form'} (not published or archived)`,
  );
  const fieldOptions = withCurrent(fields.data ?? [], v.price_field, (key) => `${key} (not in the published form)`);
  return (
    <>
      <TextField label="Name" name="name" value={v.name} onValue={(x) => set('name', x)} error={errors.name} maxLength={120} />
      <TextArea
        label="Description"
        name="description"
        rows={3}
        hint="Shown to clients when they choose a service."
        value={v.description}
        onValue={(x) => set('description', x)}
        error={errors.description}
      />
      <SelectField
        label="Form"
        name="form_id"
        value={v.form_id}
        placeholder="No form: clients describe what they need"
        options={formOptions}
        hint="Only published forms can be chosen."
        onValue={(x) => {
          set('form_id', x);
          set('price_field', '');
        }}
        error={errors.form_id}
      />
      {v.form_id && (
        <SelectField
          label="Price field"
          name="price_field"
          value={v.price_field}
          placeholder="No estimate"
          options={fieldOptions}
          hint={
            fields.error
              ? 'The form’s fields could not be loaded.'
              : fields.data && !fields.data.length
                ? 'This form has no number, currency or calculated field.'
                : 'Its value is the request’s estimate.'
          }
          onValue={(x) => set('price_field', x)}
          error={errors.price_field}
        />
      )}
      {v.form_id && <AutoQuote form={form} />}
      <TextField
        label="Position"
        name="position"
        inputMode="numeric"
        autoComplete="off"
        hint="Lowest first."
        value={v.position}
        onValue={(x) => set('position', x)}
        error={errors.position}
      />
      <label class="check">
        <input type="checkbox" name="active" checked={v.active} onChange={(e) => set('active', e.currentTarget.checked)} />
        Offered to clients (untick to retire it)
      </label>
    </>
  );
}

/** Quoting at once: a request the price field prices above zero gets a sent quote of one item. */
function AutoQuote({ form }: { form: FormState<TypeValues> }) {
  const { values: v, errors, set } = form;
  const errorId = useId();
  const error = errors.auto_quote;
  return (
    <fieldset class="fieldset service-type__auto">
      <legend>Automatic quote</legend>
      <label class="check">
        <input
          type="checkbox"
          name="auto_quote"
          checked={v.auto_quote}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => set('auto_quote', e.currentTarget.checked)}
        />
        Send a quote at once when the price field gives a price above zero
      </label>
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
      {v.auto_quote && (
        <TextField
          label="Quote valid for (days)"
          name="auto_quote.valid_days"
          inputMode="numeric"
          autoComplete="off"
          hint="1 to 365 days."
          value={v['auto_quote.valid_days']}
          onValue={(x) => set('auto_quote.valid_days', x)}
          error={errors['auto_quote.valid_days']}
        />
      )}
    </fieldset>
  );
}

function NewType({ position, forms, onCreated }: { position: number; forms: FormView[]; onCreated: (t: ServiceType) => Promise<void> }) {
  const form = useForm<TypeValues>(blankType(position));
  const submit = form.submit(async (v) => {
    const created = await createType(toTypeRequest(v));
    form.reset();
    await onCreated(created);
  });
  return (
    <section class="panel" aria-labelledby="new-type">
      <h2 id="new-type">Add a service type</h2>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <TypeFields form={form} forms={forms} />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Add service type
          </button>
        </div>
      </form>
    </section>
  );
}

interface ItemProps {
  type: ServiceType;
  forms: FormView[];
  reload: () => Promise<void>;
  say: (s: string) => void;
}

function TypeItem({ type: t, forms, reload, say }: ItemProps) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const formName = t.form_id ? (forms.find((f) => f.id === t.form_id)?.name ?? 'a form') : null;

  if (editing) {
    return (
      <EditType
        type={t}
        forms={forms}
        reload={reload}
        onDone={async (saved) => {
          setEditing(false);
          if (saved) {
            say(`Saved ${saved.name}.`);
            await reload();
          }
          queueMicrotask(() => editButton.current?.focus());
        }}
      />
    );
  }
  return (
    <article class="service-type" aria-label={t.name}>
      <h3 class="service-type__head">
        <span class="badge">#{t.position}</span> {t.name} {!t.active && <span class="badge">Retired</span>}
      </h3>
      {t.description && <p class="service-type__meta">{t.description}</p>}
      <p class="service-type__meta">
        {formName ? `Asked with the form ${formName}` : 'Asked with a description'}
        {t.price_field ? ` · priced by its field ${t.price_field}` : ''}
        {t.auto_quote ? ` · quoted at once, valid ${t.auto_quote.valid_days} days` : ''}
      </p>
      <div class="actions">
        <button type="button" class="button button--small button--secondary" ref={editButton} onClick={() => setEditing(true)}>
          Edit<span class="visually-hidden"> {t.name}</span>
        </button>
      </div>
    </article>
  );
}

interface EditProps {
  type: ServiceType;
  forms: FormView[];
  reload: () => Promise<void>;
  onDone: (saved?: ServiceType) => Promise<void>;
}

function EditType({ type: t, forms, reload, onDone }: EditProps) {
  const form = useForm<TypeValues>(typeValues(t));
  const [stale, setStale] = useState(false);
  const submit = form.submit(async (v) => {
    try {
      await onDone(await updateType(t, toTypeRequest(v)));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        // The form's own words (it knows what was edited); the API's 412 says only that it changed.
        throw new Error(staleEdit('service type'));
      }
      throw e;
    }
  });
  return (
    <form class="form service-type" onSubmit={submit} ref={form.formRef} noValidate aria-label={`Edit ${t.name}`}>
      <h3 class="service-type__head">Edit {t.name}</h3>
      <FormError message={form.formError} />
      <TypeFields form={form} forms={forms} />
      <EditActions save="Save changes" busy={form.busy} stale={stale} onReload={() => void reload()} onCancel={() => void onDone()} />
    </form>
  );
}
