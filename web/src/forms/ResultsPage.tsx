// What a form gathered: its figures for the house's editors (views, starts, completions, where
// people stop, each field's summary), the submissions those reading them may see (the house
// every tenant's, partners their own), and exports to CSV and XLSX.
import { useEffect, useState } from 'preact/hooks';
import { role } from '../app/session';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { exportUrl, formAnalytics, getForm, listSubmissions, submissionPath, type Analytics, type Submission } from './api';
import { editsForms } from './access';
import { share } from './results';
import './forms.css';

export default function ResultsPage({ formId }: { formId: string }) {
  const form = useResource(() => getForm(formId), [formId]);
  if (form.error)
    return (
      <Page title="Results">
        <ErrorNote error={form.error} />
      </Page>
    );
  if (!form.data)
    return (
      <Page title="Results">
        <Loading />
      </Page>
    );
  const f = form.data.value;
  return (
    <Page
      title={`Results: ${f.name}`}
      actions={
        <>
          <a class="button button--secondary" href={exportUrl(formId, 'csv')} download={`${f.name}.csv`}>
            Export CSV
          </a>
          <a class="button button--secondary" href={exportUrl(formId, 'xlsx')} download={`${f.name}.xlsx`}>
            Export XLSX
          </a>
        </>
      }
    >
      {editsForms(role.value) && <Figures formId={formId} />}
      <Submissions formId={formId} />
    </Page>
  );
}

function Figures({ formId }: { formId: string }) {
  const figures = useResource(() => formAnalytics(formId), [formId]);
  if (figures.error) return <ErrorNote error={figures.error} />;
  if (!figures.data) return <Loading label="Loading figures…" />;
  const a: Analytics = figures.data;
  return (
    <section class="form-figures" aria-labelledby="form-figures">
      <h2 id="form-figures">Figures</h2>
      <dl class="form-stats">
        <div>
          <dt>Views</dt>
          <dd>{a.views.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{a.starts.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Completed</dt>
          <dd>{a.completions.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Completion rate</dt>
          <dd>{a.completion_rate} %</dd>
        </div>
      </dl>
      {a.pages.length > 1 && (
        <div class="form-scroll">
          <table class="form-table">
            <caption>Pages: where people stop</caption>
            <thead>
              <tr>
                <th scope="col">Page</th>
                <th scope="col">Reached</th>
                <th scope="col">Stopped there</th>
              </tr>
            </thead>
            <tbody>
              {a.pages.map((p) => (
                <tr key={p.key}>
                  <th scope="row">{p.title || p.key}</th>
                  <td>{p.reached.toLocaleString()}</td>
                  <td>{p.dropped.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="form-scroll">
        <table class="form-table">
          <caption>Fields</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Answered</th>
              <th scope="col">Last answered before leaving</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {a.fields.map((f) => (
              <tr key={f.key}>
                <th scope="row">{f.label || f.key}</th>
                <td>{f.answered.toLocaleString()}</td>
                <td>{f.dropped.toLocaleString()}</td>
                <td>
                  {f.average != null && <span>Average {f.average}</span>}
                  {f.options.length > 0 && (
                    <ul class="form-options">
                      {f.options.map((o) => (
                        <li key={o.value}>
                          {o.label || o.value}: {o.count.toLocaleString()} ({share(o.count, f.answered)})
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Submissions({ formId }: { formId: string }) {
  const [items, setItems] = useState<Submission[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listSubmissions(formId, from);
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
  }, [formId]);

  return (
    <section aria-labelledby="form-submissions">
      <h2 id="form-submissions">Submissions</h2>
      {error ? (
        <ErrorNote error={error} />
      ) : !items ? (
        <Loading />
      ) : !items.length ? (
        <Empty>No submissions yet.</Empty>
      ) : (
        <ul class="list panel" aria-label="Submissions">
          {items.map((s) => (
            <li key={`${s.tenant_id}/${s.id}`} class="form-row">
              <a class="form-row__name" href={submissionPath(s)}>
                {s.submitter?.name || 'Someone'}
              </a>
              <span class="field__hint">
                {new Date(s.submitted_at).toLocaleString()} · version {s.version}
              </span>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </section>
  );
}
