// One service request: what was asked (the form's answers and files, or the words), its
// status with the moves it is the viewer's turn to make (reviewers take it into review or
// decline it; the client side withdraws it), and its conversation and history.
import { useState } from 'preact/hooks';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { isHouseStaff, me, role } from '../app/session';
import { formVersion, getSubmission } from '../forms/api';
import { AnswerList } from '../forms/SubmissionPage';
import { TextArea } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  activityOf,
  comment,
  getRequest,
  isPending,
  moveRequest,
  STATUS_LABEL,
  type Activity,
  type RequestStatus,
  type ServiceRequest,
} from './api';
import '../forms/forms.css';
import './service.css';

/** Whether the viewer reviews this tenant's requests (house staff, the tenant's partner). */
export const reviewsTenant = (tenantId: string) => isHouseStaff.value || (role.value === 'partner' && me.value?.user.tenant === tenantId);

export default function RequestPage({ tenantId, requestId }: { tenantId: string; requestId: string }) {
  const got = useResource(() => getRequest(tenantId, requestId), [tenantId, requestId]);
  if (got.error)
    return (
      <Page title="Service request">
        <ErrorNote error={got.error} />
      </Page>
    );
  if (!got.data)
    return (
      <Page title="Service request">
        <Loading />
      </Page>
    );
  return <Request key={requestId} initial={got.data.value} etag={got.data.etag} />;
}

function Request({ initial, etag: firstEtag }: { initial: ServiceRequest; etag: string | null }) {
  const [r, setR] = useState(initial);
  const [etag, setEtag] = useState(firstEtag);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const log = useResource(() => activityOf(r.tenant_id, r.id), [r.id, r.status]);
  const reviewer = reviewsTenant(r.tenant_id);

  const move = async (to: RequestStatus) => {
    setBusy(true);
    setProblem(null);
    try {
      const next = await moveRequest(r.tenant_id, r.id, to, note, etag);
      setR(next.value);
      setEtag(next.etag);
      setNote('');
      setSaid(`The request is now ${STATUS_LABEL[to].toLowerCase()}.`);
    } catch (e) {
      setProblem(e instanceof ApiError && e.status === 412 ? staleEdit('request') : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const moves: [RequestStatus, string][] = reviewer
    ? [
        ...(r.status === 'submitted' ? ([['in_review', 'Take into review']] as [RequestStatus, string][]) : []),
        ...(isPending(r.status) ? ([['declined', 'Decline']] as [RequestStatus, string][]) : []),
      ]
    : isPending(r.status) || r.status === 'quoted'
      ? [['withdrawn', 'Withdraw the request']]
      : [];

  return (
    <Page title={r.title}>
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <dl class="request-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`request-chip request-chip--${r.status}`}>{STATUS_LABEL[r.status]}</span>
          </dd>
        </div>
        <div>
          <dt>Service</dt>
          <dd>{r.type_name}</dd>
        </div>
        <div>
          <dt>Asked</dt>
          <dd>{formatDateTime(r.created_at)}</dd>
        </div>
        {r.estimate && (
          <div>
            <dt>Estimate</dt>
            <dd>{r.estimate}</dd>
          </div>
        )}
      </dl>
      {r.details && <p class="request-details">{r.details}</p>}
      {r.project_id && (
        <p class="request-quote">
          <a class="button" href={`/projects/${r.tenant_id}/${r.project_id}`}>
            View the project
          </a>
        </p>
      )}
      {(r.quote_id || (reviewer && isPending(r.status))) && (
        <p class="request-quote">
          {r.quote_id ? (
            <a class="button button--secondary" href={`/quotes/${r.tenant_id}/${r.quote_id}`}>
              View the quote
            </a>
          ) : (
            <a
              class="button"
              href={`/quotes/new?tenant=${encodeURIComponent(r.tenant_id)}&request=${encodeURIComponent(r.id)}&org=${encodeURIComponent(r.org_id)}&title=${encodeURIComponent(r.title)}`}
            >
              Write a quote
            </a>
          )}
        </p>
      )}
      {r.form_id && r.submission_id && <Answers tenantId={r.tenant_id} formId={r.form_id} submissionId={r.submission_id} />}
      {moves.length > 0 && (
        <section class="panel request-moves" aria-labelledby="request-moves">
          <h2 id="request-moves">{reviewer ? 'Review' : 'Your request'}</h2>
          <TextArea label="Note (optional)" name="note" rows={2} value={note} onValue={setNote} />
          {problem && (
            <p class="alert alert--error" role="alert">
              {problem}
            </p>
          )}
          <div class="form-actions">
            {moves.map(([to, label]) => (
              <button
                key={to}
                type="button"
                class={to === 'declined' || to === 'withdrawn' ? 'button button--secondary' : 'button'}
                disabled={busy}
                onClick={() => void move(to)}
              >
                {label}
              </button>
            ))}
          </div>
        </section>
      )}
      <section class="request-activity" aria-labelledby="request-activity">
        <h2 id="request-activity">Conversation and history</h2>
        {log.error ? <ErrorNote error={log.error} /> : !log.data ? <Loading /> : <Timeline items={log.data.items} />}
        <Composer
          onSend={async (body) => {
            const a = await comment(r.tenant_id, r.id, body);
            log.setData({ items: [...(log.data?.items ?? []), a], next_cursor: log.data?.next_cursor ?? null });
          }}
        />
      </section>
    </Page>
  );
}

function Answers({ tenantId, formId, submissionId }: { tenantId: string; formId: string; submissionId: string }) {
  const got = useResource(async () => {
    const s = await getSubmission(tenantId, formId, submissionId);
    return { s, doc: await formVersion(formId, s.version) };
  }, [submissionId]);
  // Asked on the client's behalf: the answers are the asker's submission, which clients do not read.
  if (got.error instanceof ApiError && got.error.status === 404) return null;
  return (
    <section aria-labelledby="request-answers">
      <h2 id="request-answers">What was asked</h2>
      {got.error ? <ErrorNote error={got.error} /> : !got.data ? <Loading /> : <AnswerList submission={got.data.s} doc={got.data.doc} />}
    </section>
  );
}

const sentence = (a: Activity) => {
  const who = a.actor_id === me.value?.user.id ? 'You' : (a.actor_name ?? 'Someone');
  if (a.kind === 'created') return `${who} asked for this service.`;
  if (a.kind === 'status' && a.to) return `${who} moved it to ${STATUS_LABEL[a.to].toLowerCase()}.`;
  return `${who} wrote:`;
};

function Timeline({ items }: { items: Activity[] }) {
  return (
    <ol class="request-timeline">
      {items.map((a) => (
        <li key={a.id} class={`request-entry request-entry--${a.kind}`}>
          <p class="request-entry__head">
            {sentence(a)} <span class="field__hint">{formatDateTime(a.at)}</span>
          </p>
          {a.body && <p class="request-entry__body">{a.body}</p>}
        </li>
      ))}
    </ol>
  );
}

function Composer({ onSend }: { onSend: (body: string) => Promise<void> }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (!body.trim()) {
          setError('Write a comment first.');
          return;
        }
        setBusy(true);
        setError(null);
        try {
          await onSend(body);
          setBody('');
        } catch (err) {
          setError(errorMessage(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <TextArea label="Add a comment" name="comment" rows={3} value={body} onValue={setBody} error={error ?? undefined} />
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Sending…' : 'Send comment'}
        </button>
      </div>
    </form>
  );
}
