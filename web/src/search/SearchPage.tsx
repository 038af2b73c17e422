// The full search results (/search?q=…&type=…&order=newest&offset=20): the search box with a
// short help of the language and the query's fault inline, tabs per kind with their counts,
// best match or newest first, 20 a page; "Save this search" under a name, and the person's
// saved searches to run again or delete. Enter in the box counts as a submitted search (one
// that finds no article is counted for the KB's authors).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { errorMessage } from '../api/problem';
import { role, user } from '../app/session';
import { Empty } from '../ui/Card';
import { FormError, SelectField, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import {
  deleteSaved,
  hitHref,
  hitKey,
  HitText,
  isKind,
  kindLabel,
  kindOne,
  listSaved,
  MAX_OFFSET,
  pageSpan,
  queryFault,
  rememberSearch,
  saveSearch,
  search,
  searchHref,
  tabsFor,
  type Hit,
  type Order,
  type Saved,
  type Tab,
} from '.';

export const PAGE_SIZE = 20;

const ORDERS = [
  { value: 'relevance', label: 'Best match' },
  { value: 'newest', label: 'Newest first' },
];

export default function SearchPage() {
  const { query, route } = useLocation();
  const me = user.value!;
  const tenant = me.tenant;
  const q = (query.q ?? '').trim();
  const type = isKind(query.type) ? query.type : '';
  const order: Order = query.order === 'newest' ? 'newest' : 'relevance';
  const offset = Math.min(Math.max(0, Math.floor(Number(query.offset) || 0)), MAX_OFFSET);

  // The box as typed; it follows the address when that changes (a saved search run, the palette).
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  // Enter in the box: the next search is a submitted one (asked once, with the counts).
  const submitted = useRef(false);
  const [again, setAgain] = useState(0);
  const [said, setSaid] = useState('');

  // Counts per kind for the tabs: the query over every kind, whatever tab is open.
  const counts = useResource(async () => {
    if (!q) return null;
    const asked = submitted.current;
    submitted.current = false;
    return search(tenant, { q, limit: 1, counts: true, submitted: asked });
  }, [tenant, q, again]);
  const page = useResource(
    async () => (q ? search(tenant, { q, types: type ? [type] : [], order, offset, limit: PAGE_SIZE }) : null),
    [tenant, q, type, order, offset, again],
  );
  const saved = useResource(() => listSaved(tenant), [tenant]);

  const fault = queryFault(page.error) ?? queryFault(counts.error);
  const tabs = counts.data && !fault ? tabsFor(counts.data, type) : null;
  const to = (next: { q?: string; type?: string; order?: string; offset?: number }, replace = false) =>
    route(searchHref(next.q ?? q, next.type ?? type, next.order ?? order, next.offset ?? 0), replace);

  const submit = (e: Event) => {
    e.preventDefault();
    const typed = text.trim();
    if (!typed) return;
    submitted.current = true;
    rememberSearch(me.id, typed);
    setSaid('');
    if (typed === q) setAgain((n) => n + 1);
    else to({ q: typed });
  };

  return (
    <Page title="Search">
      <section class="panel" aria-label="Search">
        <form class="search-box" role="search" onSubmit={submit} noValidate>
          <TextField
            label="Search for"
            name="q"
            type="search"
            autoComplete="off"
            spellcheck={false}
            value={text}
            onValue={setText}
            error={fault ?? undefined}
          />
          <div class="search-box__order">
            <SelectField label="Order" name="order" value={order} options={ORDERS} onValue={(v) => to({ order: v, offset: 0 }, true)} />
          </div>
          <button class="button" type="submit">
            Search
          </button>
        </form>
        <Help />
      </section>
      <p class="visually-hidden" role="status">
        {fault ?? (page.loading ? '' : page.data ? resultsText(page.data.total, type) : '')}
      </p>
      <div class="search-layout">
        <div>
          {!q ? (
            <section class="panel">
              <Empty>Type words to look for in tickets, articles, messages, organizations and people, then press Enter.</Empty>
            </section>
          ) : (
            <section class="panel search-results" aria-label="Results">
              <Tabs tabs={tabs} chosen={type} onChoose={(kind) => to({ type: kind }, true)} />
              <div
                id="search-panel"
                role={tabs ? 'tabpanel' : undefined}
                aria-labelledby={tabs ? `search-tab-${type || 'all'}` : undefined}
              >
                <Results
                  q={q}
                  type={type}
                  order={order}
                  offset={offset}
                  fault={fault}
                  loading={page.loading}
                  error={page.error}
                  data={page.data ?? null}
                />
              </div>
              {!fault && (
                <SaveSearch
                  tenant={tenant}
                  q={q}
                  type={type}
                  onSaved={(s) => {
                    setSaid(`Saved as “${s.name}”.`);
                    void saved.reload();
                  }}
                />
              )}
            </section>
          )}
          <p class="visually-hidden" role="status">
            {said}
          </p>
        </div>
        <SavedSearches
          saved={saved}
          current={{ q, type }}
          onDelete={async (s) => {
            try {
              await deleteSaved(tenant, s.id);
              setSaid(`Deleted “${s.name}”.`);
              await saved.reload();
            } catch (e) {
              setSaid(errorMessage(e));
            }
          }}
        />
      </div>
    </Page>
  );
}

function resultsText(total: number, type: string): string {
  const many = type ? kindLabel(type).toLowerCase() : 'results';
  if (!total) return `No ${many} found.`;
  const one = type ? kindOne(type).toLowerCase() : 'result';
  return `${total.toLocaleString('en-US')} ${total === 1 ? one : many} found.`;
}

/** The kinds as tabs (arrow keys move between them, and choose). */
function Tabs({ tabs, chosen, onChoose }: { tabs: Tab[] | null; chosen: string; onChoose: (kind: string) => void }) {
  const list = useRef<HTMLDivElement>(null);
  if (!tabs) return <div class="tabs search-tabs" aria-hidden="true" />;
  const index = Math.max(
    0,
    tabs.findIndex((t) => t.kind === chosen),
  );
  const move = (e: KeyboardEvent) => {
    const n = tabs.length;
    const next =
      e.key === 'ArrowRight'
        ? (index + 1) % n
        : e.key === 'ArrowLeft'
          ? (index - 1 + n) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    onChoose(tabs[next].kind);
    list.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };
  return (
    <div class="tabs search-tabs" role="tablist" aria-label="Kinds of results" ref={list} onKeyDown={move}>
      {tabs.map((t, i) => (
        <button
          key={t.kind || 'all'}
          type="button"
          role="tab"
          id={`search-tab-${t.kind || 'all'}`}
          aria-selected={i === index}
          aria-controls="search-panel"
          tabIndex={i === index ? 0 : -1}
          onClick={() => onChoose(t.kind)}
        >
          {t.label} <span class="search-tabs__count">{t.count.toLocaleString('en-US')}</span>
        </button>
      ))}
    </div>
  );
}

interface ResultsProps {
  q: string;
  type: string;
  order: string;
  offset: number;
  fault: string | null;
  loading: boolean;
  error: Error | undefined;
  data: { hits: Hit[]; total: number } | null;
}

function Results({ q, type, order, offset, fault, loading, error, data }: ResultsProps) {
  const me = user.value!;
  if (fault) return <Empty>Correct the search above to see results.</Empty>;
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading />;
  if (!data.hits.length)
    return (
      <Empty>
        {offset > 0 ? 'No more results.' : `Nothing ${type ? `among ${kindLabel(type).toLowerCase()} ` : ''}matches “${q}”.`} Try fewer or
        other words, or see “How to search”.
      </Empty>
    );
  const span = pageSpan(offset, PAGE_SIZE, data.hits.length, data.total);
  const viewer = { role: role.value, tenant: me.tenant };
  return (
    <div aria-busy={loading || undefined}>
      <ul class="list">
        {data.hits.map((h) => (
          <li key={hitKey(h)} class="hit">
            <HitText hit={h} href={hitHref(h, viewer)} />
          </li>
        ))}
      </ul>
      <nav class="search-pager" aria-label="Result pages">
        <span class="muted">
          Results {span.first}–{span.last} of {data.total.toLocaleString('en-US')}
        </span>
        <span class="actions">
          {span.previous !== null && (
            <a class="button button--secondary button--small" href={searchHref(q, type, order, span.previous)}>
              Previous page
            </a>
          )}
          {span.next !== null && (
            <a class="button button--secondary button--small" href={searchHref(q, type, order, span.next)}>
              Next page
            </a>
          )}
        </span>
      </nav>
    </div>
  );
}

/** "Save this search…": asks for a name, then saves the query (and the tab) under it. */
function SaveSearch({ tenant, q, type, onSaved }: { tenant: string; q: string; type: string; onSaved: (s: Saved) => void }) {
  const [open, setOpen] = useState(false);
  const form = useForm({ name: '' });
  const opener = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  // Focus follows: to the name when asked, back to the button when saved or cancelled.
  useEffect(() => {
    if (!moved.current) return;
    if (open) form.formRef.current?.querySelector<HTMLInputElement>('input[name="name"]')?.focus();
    else opener.current?.focus();
  }, [open]);

  if (!open)
    return (
      <p class="save-search">
        <button
          type="button"
          class="button button--secondary"
          ref={opener}
          onClick={() => {
            moved.current = true;
            form.reset();
            setOpen(true);
          }}
        >
          Save this search…
        </button>
      </p>
    );
  const submit = form.submit(async ({ name }) => {
    const s = await saveSearch(tenant, name, q, type ? [type] : []);
    setOpen(false);
    onSaved(s);
  });
  return (
    <form class="save-search" ref={form.formRef} onSubmit={submit} noValidate aria-label="Save this search">
      <FormError message={form.formError} />
      <TextField
        label="Name of the search"
        name="name"
        value={form.values.name}
        onValue={(v) => form.set('name', v)}
        error={form.errors.name}
        maxLength={80}
        hint={`Saves “${q}”${type ? ` in ${kindLabel(type).toLowerCase()}` : ''}.`}
      />
      <span class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          Save search
        </button>
        <button type="button" class="button button--secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </span>
    </form>
  );
}

interface SavedProps {
  saved: { data: Saved[] | undefined; error: Error | undefined };
  current: { q: string; type: string };
  onDelete: (s: Saved) => Promise<void>;
}

/** The person's saved searches: each runs again, or goes. */
function SavedSearches({ saved, current, onDelete }: SavedProps) {
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <section class="panel" aria-labelledby="saved-heading">
      <h2 id="saved-heading">Your saved searches</h2>
      {saved.error ? (
        <ErrorNote error={saved.error} />
      ) : !saved.data ? (
        <Loading />
      ) : !saved.data.length ? (
        <Empty>None yet. Search, then choose “Save this search…”.</Empty>
      ) : (
        <ul class="list saved-list">
          {saved.data.map((s) => {
            const type = s.types.length === 1 && isKind(s.types[0]) ? s.types[0] : '';
            const here = s.query === current.q && type === current.type;
            return (
              <li key={s.id}>
                <span class="saved-list__what">
                  <a href={searchHref(s.query, type)} aria-current={here ? 'page' : undefined}>
                    {s.name}
                  </a>
                  <span class="saved-list__query">
                    {s.query}
                    {type ? ` · ${kindLabel(type)}` : ''}
                  </span>
                </span>
                <button
                  type="button"
                  class="button button--secondary button--small"
                  disabled={busy === s.id}
                  onClick={async () => {
                    setBusy(s.id);
                    await onDelete(s);
                    setBusy(null);
                  }}
                >
                  Delete<span class="visually-hidden"> the saved search {s.name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const SYNTAX: [string, string][] = [
  ['invoice reminder', 'Both words, typos forgiven; the last one may be a beginning (“remi”).'],
  ['"exact phrase"', 'These words, in this order.'],
  ['-word', 'Leaves out results with this word (or -"phrase").'],
  ['type:ticket', 'Only tickets (also article, message, organization, user).'],
  ['status:open', 'Where it stands (new, open, in_progress, resolved, closed, published…).'],
  ['priority:high', 'Tickets of this priority (low, medium, high, critical).'],
  ['from:dana', 'Written or filed by this person (a name or an email).'],
  ['org:globex', 'Of this organization.'],
  ['tag:billing', 'With this tag.'],
  ['after:2026-11-01', 'On or after this day (before: for earlier).'],
];

function Help() {
  return (
    <details class="search-help" id="search-help">
      <summary>How to search</summary>
      <dl>
        {SYNTAX.map(([example, meaning]) => (
          <div key={example}>
            <dt>{example}</dt>
            <dd>{meaning}</dd>
          </div>
        ))}
      </dl>
      <p class="muted">Combine them: priority:high status:open checkout -iphone</p>
    </details>
  );
}
