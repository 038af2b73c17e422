// The forms a person may use: everyone fills the open ones; super admins and staff also see
// drafts and closed forms, start new ones (blank or from a template), edit, clone and read the
// results; partners read their own clients' results.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { errorMessage } from '../api/problem';
import { role } from '../app/session';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { AVAILABILITY, cloneForm, editPath, formPath, listForms, resultsPath, type FormView } from './api';
import { editsForms, readsResults } from './access';
import './forms.css';

export default function FormList() {
  const editor = editsForms(role.value);
  return (
    <Page
      title="Forms"
      actions={
        editor ? (
          <a class="button" href="/forms/new">
            New form
          </a>
        ) : undefined
      }
    >
      <FormPager />
      {editor && <Templates />}
    </Page>
  );
}

function FormPager() {
  const [items, setItems] = useState<FormView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listForms({ cursor: from });
      setItems((prev) => (from && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void fetchPage();
  }, []);

  if (error) return <ErrorNote error={error} />;
  if (!items) return <Loading />;
  if (!items.length) return <Empty>No forms to fill in right now.</Empty>;
  return (
    <>
      <ul class="list panel form-list" aria-label="Forms">
        {items.map((f) => (
          <li key={f.id}>
            <FormRow form={f} />
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </>
  );
}

function FormRow({ form: f }: { form: FormView }) {
  const editor = editsForms(role.value);
  const open = f.availability === 'open';
  return (
    <div class="form-row">
      <div class="form-row__main">
        {open ? (
          <a class="form-row__name" href={formPath(f.id)}>
            {f.name}
          </a>
        ) : (
          <span class="form-row__name">{f.name}</span>
        )}
        {f.description && <p class="form-row__description">{f.description}</p>}
      </div>
      <div class="form-row__side">
        {(editor || !open) && <span class={`form-chip form-chip--${f.availability}`}>{AVAILABILITY[f.availability]}</span>}
        {f.template && <span class="form-chip">Template</span>}
        {editor && (
          <a class="button button--secondary button--small" href={editPath(f.id)} aria-label={`Edit ${f.name}`}>
            Edit
          </a>
        )}
        {readsResults(role.value) && f.published_version != null && (
          <a class="button button--secondary button--small" href={resultsPath(f.id)} aria-label={`Results of ${f.name}`}>
            Results
          </a>
        )}
      </div>
    </div>
  );
}

function Templates() {
  const { route } = useLocation();
  const [items, setItems] = useState<FormView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listForms({ templates: true, limit: 50 }).then(
      (p) => setItems(p.items),
      (e) => setError(errorMessage(e)),
    );
  }, []);
  if (!items?.length && !error) return null;
  const use = async (t: FormView) => {
    try {
      const copy = await cloneForm(t.id, `${t.name} (new)`.slice(0, 120));
      route(editPath(copy.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section class="form-templates" aria-labelledby="form-templates">
      <h2 id="form-templates">Start from a template</h2>
      {error && (
        <p class="alert alert--error" role="alert">
          {error}
        </p>
      )}
      <ul class="list panel">
        {(items ?? []).map((t) => (
          <li key={t.id} class="form-row">
            <div class="form-row__main">
              <span class="form-row__name">{t.name}</span>
              {t.description && <p class="form-row__description">{t.description}</p>}
            </div>
            <button type="button" class="button button--secondary button--small" onClick={() => use(t)} aria-label={`Use ${t.name}`}>
              Use
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
