// One project: its status, progress and milestones, and what it links to (the service request,
// the quote, its invoices). Those who write projects edit it in place (name, status, milestones
// with due dates, ticked when done) under If-Match; `/projects/new` starts one.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { me } from '../app/session';
import { listOrgs } from '../tickets/orgs';
import { SelectField, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  createProject,
  getProject,
  managesProjects,
  PROJECT_STATUS,
  progressWords,
  projectPath,
  updateProject,
  type Project,
  type ProjectStatus,
} from './api';
import './projects.css';

export default function ProjectPage({ tenantId, projectId }: { tenantId?: string; projectId?: string }) {
  const tenant = tenantId ?? me.value!.user.tenant;
  const got = useResource(async () => (projectId ? getProject(tenant, projectId) : null), [tenant, projectId]);
  if (got.error)
    return (
      <Page title="Project">
        <ErrorNote error={got.error} />
      </Page>
    );
  if (projectId && !got.data)
    return (
      <Page title="Project">
        <Loading />
      </Page>
    );
  return <ProjectView key={projectId ?? 'new'} tenant={tenant} initial={got.data?.value ?? null} etag={got.data?.etag ?? null} />;
}

interface Row {
  title: string;
  due: string;
  done: boolean;
}

function ProjectView({ tenant, initial, etag: firstEtag }: { tenant: string; initial: Project | null; etag: string | null }) {
  const { route } = useLocation();
  const writer = managesProjects(tenant);
  const [p, setP] = useState(initial);
  const [etag, setEtag] = useState(firstEtag);
  const [editing, setEditing] = useState(!initial);
  const orgs = useResource(async () => (writer && !initial ? listOrgs(tenant) : []), [tenant]);
  const [org, setOrg] = useState(initial?.org_id ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [status, setStatus] = useState<ProjectStatus>(initial?.status ?? 'planned');
  const [rows, setRows] = useState<Row[]>(initial?.milestones.map((m) => ({ title: m.title, due: m.due ?? '', done: m.done })) ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState(false);

  const body = (from: Row[]) => ({
    org_id: p?.org_id ?? (org || orgs.data?.[0]?.id || ''),
    name,
    status,
    milestones: from.map((r) => ({ title: r.title, due: r.due || undefined, done: r.done })),
    links: p?.links,
  });
  const save = async (from: Row[]) => {
    setBusy(true);
    setProblem(null);
    setErrors({});
    try {
      const saved = p ? await updateProject(tenant, p.id, body(from), etag) : await createProject(tenant, body(from));
      if (!p) {
        route(projectPath(saved.value));
        return;
      }
      setP(saved.value);
      setEtag(saved.etag);
      setEditing(false);
      setSaid('Project saved.');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) setProblem(staleEdit('project'));
      else {
        const byField = e instanceof ApiError ? fieldErrors(e.problem) : {};
        setErrors(byField);
        setProblem(Object.keys(byField).length ? 'Please correct the fields marked below.' : errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  };
  const tick = (n: number, done: boolean) => {
    const next = rows.map((r, i) => (i === n ? { ...r, done } : r));
    setRows(next);
    void save(next);
  };

  if (editing && writer) {
    if (!initial && !orgs.data)
      return (
        <Page title="New project">
          <Loading />
        </Page>
      );
    return (
      <Page title={p ? `Edit: ${p.name}` : 'New project'}>
        <div class="form">
          {!p && (
            <SelectField
              label="For"
              name="org"
              value={org || orgs.data?.[0]?.id || ''}
              options={(orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }))}
              onValue={setOrg}
              error={errors.org_id}
            />
          )}
          <TextField label="Name" name="name" value={name} onValue={setName} error={errors.name} />
          <SelectField
            label="Status"
            name="status"
            value={status}
            options={Object.entries(PROJECT_STATUS).map(([value, label]) => ({ value, label }))}
            onValue={(v) => setStatus(v as ProjectStatus)}
          />
          <fieldset class="fieldset project-milestones">
            <legend>Milestones</legend>
            {rows.map((r, n) => (
              <div key={n} class="form--inline project-milestone">
                <TextField
                  label={`Milestone ${n + 1}`}
                  name={`milestones.${n}.title`}
                  value={r.title}
                  onValue={(v) => setRows(rows.map((x, i) => (i === n ? { ...x, title: v } : x)))}
                  error={errors[`milestones[${n}].title`]}
                />
                <TextField
                  label="Due"
                  type="date"
                  name={`milestones.${n}.due`}
                  value={r.due}
                  onValue={(v) => setRows(rows.map((x, i) => (i === n ? { ...x, due: v } : x)))}
                  error={errors[`milestones[${n}].due`]}
                />
                <button type="button" class="link-button" onClick={() => setRows(rows.filter((_, i) => i !== n))}>
                  Remove milestone {n + 1}
                </button>
              </div>
            ))}
            <button type="button" class="button button--secondary" onClick={() => setRows([...rows, { title: '', due: '', done: false }])}>
              Add milestone
            </button>
          </fieldset>
          {problem && (
            <p class="alert alert--error" role="alert">
              {problem}
            </p>
          )}
          <div class="form-actions">
            <button type="button" class="button" disabled={busy} onClick={() => void save(rows)}>
              {busy ? 'Saving…' : 'Save project'}
            </button>
            {p && (
              <button type="button" class="button button--secondary" onClick={() => setEditing(false)}>
                Cancel
              </button>
            )}
          </div>
        </div>
      </Page>
    );
  }
  if (!p)
    return (
      <Page title="Project">
        <Loading />
      </Page>
    );
  return (
    <Page
      title={p.name}
      actions={
        writer ? (
          <button type="button" class="button button--secondary" onClick={() => setEditing(true)}>
            Edit project
          </button>
        ) : undefined
      }
    >
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <dl class="project-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`project-chip project-chip--${p.status}`}>{PROJECT_STATUS[p.status]}</span>
          </dd>
        </div>
        <div>
          <dt>Progress</dt>
          <dd>{progressWords(p)}</dd>
        </div>
      </dl>
      {p.total > 0 && <progress class="project-progress" max={p.total} value={p.done} aria-label={progressWords(p)} />}
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      <section class="panel" aria-labelledby="project-milestones">
        <h2 id="project-milestones">Milestones</h2>
        {p.milestones.length ? (
          <ul class="project-checklist">
            {p.milestones.map((m, n) => (
              <li key={m.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={rows[n]?.done ?? m.done}
                    disabled={!writer || busy}
                    onChange={(e) => tick(n, e.currentTarget.checked)}
                  />
                  <span>{m.title}</span>
                  {m.due && <span class="field__hint">due {m.due}</span>}
                </label>
              </li>
            ))}
          </ul>
        ) : (
          <p class="field__hint">No milestones yet.</p>
        )}
      </section>
      <section class="project-links" aria-labelledby="project-links">
        <h2 id="project-links">Linked</h2>
        <ul>
          {p.links.request_id && (
            <li>
              <a href={`/service-requests/${p.tenant_id}/${p.links.request_id}`}>The service request</a>
            </li>
          )}
          {p.links.quote_id && (
            <li>
              <a href={`/quotes/${p.tenant_id}/${p.links.quote_id}`}>The quote</a>
            </li>
          )}
          {(p.links.invoice_ids ?? []).map((i) => (
            <li key={i}>
              <a href={`/invoices/${p.tenant_id}/${i}`}>An invoice</a>
            </li>
          ))}
          {!p.links.request_id && !p.links.quote_id && !(p.links.invoice_ids ?? []).length && <li class="field__hint">Nothing yet.</li>}
        </ul>
      </section>
    </Page>
  );
}
