// The form builder (super admins and staff): name, description, limits and schedule; pages of
// fields added from the catalogue, reordered by drag and drop or keyboard and configured one at
// a time; rules; a live preview at phone and desktop width. Saving keeps the draft (under
// If-Match: a colleague's save is not overwritten unseen); publishing freezes it as the next
// version people fill.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { role } from '../app/session';
import { TextArea, TextField } from '../ui/Field';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  archiveForm,
  createForm,
  editPath,
  formPath,
  getForm,
  publishForm,
  resultsPath,
  updateForm,
  type FormInput,
  type FormView,
} from './api';
import { editsForms } from './access';
import { addField, addPage, blankDocument, moveField, movePage, removeField, removePage, updateField, updatePage } from './builder';
import { FieldEditor } from './FieldEditor';
import { FieldList, type Place } from './FieldList';
import { Preview } from './Preview';
import { RulesEditor } from './RulesEditor';
import { fromLocalInput, pathErrors, toLocalInput } from './settings';
import type { FormDocument } from './types';
import './forms.css';

export default function FormBuilder({ formId }: { formId?: string }) {
  const loaded = useResource(async () => (formId ? getForm(formId) : null), [formId]);
  if (!editsForms(role.value))
    return (
      <Page title="Form builder">
        <Empty>Forms are written by the portal’s staff.</Empty>
      </Page>
    );
  if (loaded.error)
    return (
      <Page title="Form builder">
        <ErrorNote error={loaded.error} />
      </Page>
    );
  if (loaded.loading && !loaded.data)
    return (
      <Page title="Form builder">
        <Loading />
      </Page>
    );
  return <Builder key={formId ?? 'new'} initial={loaded.data?.value ?? null} etag={loaded.data?.etag ?? null} />;
}

function Builder({ initial, etag: firstEtag }: { initial: FormView | null; etag: string | null }) {
  const { route } = useLocation();
  const [form, setForm] = useState<FormView | null>(initial);
  const [etag, setEtag] = useState(firstEtag);
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [template, setTemplate] = useState(initial?.template ?? false);
  const [limits, setLimits] = useState({
    max_submissions: initial?.settings.max_submissions?.toString() ?? '',
    max_per_person: initial?.settings.max_per_person?.toString() ?? '',
    opens_at: toLocalInput(initial?.settings.opens_at),
    closes_at: toLocalInput(initial?.settings.closes_at),
  });
  const [doc, setDoc] = useState<FormDocument>((initial?.document as unknown as FormDocument | null) ?? blankDocument());
  const [selected, setSelected] = useState<Place | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);

  const change = (next: FormDocument) => {
    setDoc(next);
    setDirty(true);
  };
  const input = (): FormInput => {
    const n = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : null);
    return {
      name,
      description,
      template,
      document: doc,
      settings: {
        max_submissions: n(limits.max_submissions),
        max_per_person: n(limits.max_per_person),
        opens_at: fromLocalInput(limits.opens_at),
        closes_at: fromLocalInput(limits.closes_at),
      },
    };
  };

  const failed = (e: unknown) => {
    if (e instanceof ApiError && e.status === 412) setProblem(staleEdit('form'));
    else if (e instanceof ApiError && e.problem?.errors?.length) {
      const raw: Record<string, string> = {};
      for (const x of e.problem.errors) raw[x.field] ??= x.message;
      setErrors(raw);
      setProblem(`Please correct: ${e.problem.errors.map((x) => `${x.field} ${x.message}`).join('; ')}`);
    } else setProblem(errorMessage(e));
  };

  /** Saves the draft; answers the form as saved (null when it failed). */
  const save = async (): Promise<{ form: FormView; etag: string | null } | null> => {
    setBusy(true);
    setProblem(null);
    setErrors({});
    try {
      if (!form) {
        const made = await createForm(input());
        setForm(made);
        setDirty(false);
        // The address names the form now; the builder stays as it is (no reload through the router).
        history.replaceState(history.state, '', editPath(made.id));
        const fresh = await getForm(made.id);
        setEtag(fresh.etag);
        setSaid('Form saved.');
        return { form: fresh.value, etag: fresh.etag };
      }
      const saved = await updateForm(form.id, input(), etag);
      setForm(saved.value);
      setEtag(saved.etag);
      setDirty(false);
      setSaid('Form saved.');
      return { form: saved.value, etag: saved.etag };
    } catch (e) {
      failed(e);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    const saved = dirty || !form ? await save() : { form: form!, etag };
    if (!saved) return;
    setBusy(true);
    try {
      const done = await publishForm(saved.form.id, saved.etag);
      setForm(done.value);
      setEtag(done.etag);
      setSaid(`Published as version ${done.value.published_version}.`);
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const archive = async () => {
    if (!form || !confirm(`Close “${form.name}” for good? Its submissions are kept.`)) return;
    try {
      await archiveForm(form.id);
      route('/forms');
    } catch (e) {
      failed(e);
    }
  };

  const byPath = pathErrors(errors);
  const field = selected ? doc.pages[selected[0]]?.fields[selected[1]] : undefined;

  return (
    <Page
      title={form ? `Edit form: ${form.name}` : 'New form'}
      actions={
        <>
          {form?.published_version != null && (
            <a class="button button--secondary" href={formPath(form.id)}>
              Open
            </a>
          )}
          {form?.published_version != null && (
            <a class="button button--secondary" href={resultsPath(form.id)}>
              Results
            </a>
          )}
        </>
      }
    >
      <p class="visually-hidden" role="status">
        {said}
      </p>
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      {form && (
        <p class="field__hint">
          {form.published_version != null ? `Published: version ${form.published_version}.` : 'Not published yet.'}
          {dirty ? ' You have changes that are not saved.' : ''}
        </p>
      )}
      <div class="builder">
        <div class="builder__edit">
          <section class="panel form" aria-label="About the form">
            <TextField
              label="Name"
              name="name"
              value={name}
              error={errors.name}
              onValue={(v) => {
                setName(v);
                setDirty(true);
              }}
            />
            <TextArea
              label="Description"
              name="description"
              rows={2}
              value={description}
              error={errors.description}
              onValue={(v) => {
                setDescription(v);
                setDirty(true);
              }}
            />
            <label class="check">
              <input
                type="checkbox"
                checked={template}
                onChange={(e) => {
                  setTemplate(e.currentTarget.checked);
                  setDirty(true);
                }}
              />
              Offer as a template for new forms
            </label>
            <details>
              <summary>Limits and schedule</summary>
              <div class="form--inline">
                <TextField
                  label="Most submissions in all"
                  name="max_submissions"
                  inputMode="numeric"
                  value={limits.max_submissions}
                  error={errors['settings.max_submissions']}
                  onValue={(v) => {
                    setLimits({ ...limits, max_submissions: v });
                    setDirty(true);
                  }}
                />
                <TextField
                  label="Most per person"
                  name="max_per_person"
                  inputMode="numeric"
                  value={limits.max_per_person}
                  error={errors['settings.max_per_person']}
                  onValue={(v) => {
                    setLimits({ ...limits, max_per_person: v });
                    setDirty(true);
                  }}
                />
                <TextField
                  label="Opens at"
                  name="opens_at"
                  type="datetime-local"
                  value={limits.opens_at}
                  error={errors['settings.opens_at']}
                  onValue={(v) => {
                    setLimits({ ...limits, opens_at: v });
                    setDirty(true);
                  }}
                />
                <TextField
                  label="Closes at"
                  name="closes_at"
                  type="datetime-local"
                  value={limits.closes_at}
                  error={errors['settings.closes_at']}
                  onValue={(v) => {
                    setLimits({ ...limits, closes_at: v });
                    setDirty(true);
                  }}
                />
              </div>
            </details>
          </section>
          <FieldList
            doc={doc}
            selected={selected}
            onSelect={setSelected}
            onMove={(from, to) => {
              change(moveField(doc, from, to));
              setSelected(to);
            }}
            onAdd={(p, type) => {
              const next = addField(doc, p, type);
              change(next);
              setSelected([p, next.pages[p].fields.length - 1]);
              setSaid(`Added a field to page ${p + 1}.`);
            }}
            onPage={(p, c) => change(updatePage(doc, p, c))}
            onMovePage={(from, to) => {
              change(movePage(doc, from, to));
              setSelected(null);
            }}
            onRemovePage={(p) => {
              change(removePage(doc, p));
              setSelected(null);
            }}
            onAddPage={() => change(addPage(doc))}
          />
          {field && selected && (
            <FieldEditor
              key={`${selected[0]}-${selected[1]}`}
              field={field}
              errors={byPath.fields[`${selected[0]}-${selected[1]}`] ?? {}}
              onChange={(c) => change(updateField(doc, selected[0], selected[1], c))}
              onRemove={() => {
                change(removeField(doc, selected[0], selected[1]));
                setSelected(null);
                setSaid('Field removed.');
              }}
            />
          )}
          <RulesEditor doc={doc} errors={byPath.rules} onChange={(rules) => change({ ...doc, rules })} />
          <div class="form-actions builder__actions">
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void save()}>
              {busy ? 'Saving…' : 'Save draft'}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => void publish()}>
              Publish
            </button>
            {form && (
              <button type="button" class="button button--danger" disabled={busy} onClick={() => void archive()}>
                Close form
              </button>
            )}
          </div>
        </div>
        <div class="builder__preview">
          <Preview doc={doc} />
        </div>
      </div>
    </Page>
  );
}
