// Projects: a client's organization's, or the tenant's for its staff and partners, each with
// its status, progress and next milestone; "New project" for those who write them.
import { useEffect, useState } from 'preact/hooks';
import { me } from '../app/session';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { listProjects, managesProjects, PROJECT_STATUS, progressWords, projectPath, type Project } from './api';
import './projects.css';

export default function ProjectList() {
  const tenant = me.value!.user.tenant;
  return (
    <Page
      title="Projects"
      actions={
        managesProjects(tenant) ? (
          <a class="button" href="/projects/new">
            New project
          </a>
        ) : undefined
      }
    >
      <Pager tenant={tenant} />
    </Page>
  );
}

export function ProjectRows({ items }: { items: Project[] }) {
  return (
    <ul class="list panel" aria-label="Projects">
      {items.map((p) => (
        <li key={p.id} class="project-row">
          <div class="project-row__main">
            <a class="project-row__name" href={projectPath(p)}>
              {p.name}
            </a>
            <span class="field__hint">
              {progressWords(p)}
              {p.next_milestone ? ` · next: ${p.next_milestone.title}${p.next_milestone.due ? ` (${p.next_milestone.due})` : ''}` : ''}
            </span>
            {p.total > 0 && <progress max={p.total} value={p.done} aria-label={`${p.name}: ${progressWords(p)}`} />}
          </div>
          <span class={`project-chip project-chip--${p.status}`}>{PROJECT_STATUS[p.status]}</span>
        </li>
      ))}
    </ul>
  );
}

function Pager({ tenant }: { tenant: string }) {
  const [items, setItems] = useState<Project[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listProjects(tenant, { cursor: from });
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
  }, [tenant]);
  if (error) return <ErrorNote error={error} />;
  if (!items) return <Loading />;
  if (!items.length) return <Empty>No projects yet.</Empty>;
  return (
    <>
      <ProjectRows items={items} />
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </>
  );
}
