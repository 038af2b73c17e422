// One kind of mail's template: the subject and the Markdown body, the kind's variables (each
// inserted where the cursor was, in the subject or the body), and the preview of the mail the
// server writes from them (sample values, the tenant's branding) a moment after the typing stops,
// its HTML in a sandboxed frame and its plain text a tab away. A mistake the server finds (an
// unknown {{variable}}, say) is shown under its field as one types, and again on Save. Saved and
// reset to the default under the version read: a change someone else made meanwhile is said,
// with a button to reload.
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import type { Tagged } from '../api/edits';
import { ApiError, errorMessage, fieldErrors, summary, type FieldErrors } from '../api/problem';
import { getTemplate, previewTemplate, resetTemplate, saveTemplate } from '../mail/templates';
import type { MailPreview, MailTemplate, TemplateText, TemplateVariable } from '../mail/templates';
import { ConfirmButton } from '../ui/Confirm';
import { FormError, TextArea, TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  insertAt,
  latestOnly,
  originLabel,
  resetSentence,
  savedSentence,
  STALE,
  templateProblem,
  variableToken,
  type Outcome,
} from './mailTemplates';

/** The editor's heading, focused when a kind is chosen or reloaded. */
export const EDITOR_HEADING = 'template-editor-heading';
const FIELDS = ['subject', 'body'] as const;
type Field = (typeof FIELDS)[number];

/** Whether a template is the tenant's own ("Customized") or the default, as a badge. */
export function OriginBadge({ customized }: { customized: boolean }) {
  return <span class={customized ? 'badge badge--custom' : 'badge'}>{originLabel(customized)}</span>;
}

interface Props {
  tenantId: string;
  kind: string;
  /** The template as saved or reset (the list shows whether it is customized). */
  onChanged: (t: MailTemplate) => void;
  /** The editor is shown (its template read). */
  onShown: () => void;
}

export function TemplateEditor({ tenantId, kind, onChanged, onShown }: Props) {
  const template = useResource(() => getTemplate(tenantId, kind), [tenantId, kind]);
  const [loads, setLoads] = useState(0);
  const shown = !!template.data;
  useEffect(() => {
    if (shown) onShown();
  }, [shown]);

  if (template.error && !template.data) return <ErrorNote error={template.error} />;
  if (!template.data) return <Loading />;
  return (
    <>
      {/* A reload that failed: the version shown is the one read before. */}
      {template.error && <ErrorNote error={template.error} />}
      <TemplateForm
        key={loads}
        tenantId={tenantId}
        saved={template.data}
        onSaved={(next) => {
          template.setData(next);
          onChanged(next.value);
        }}
        onReload={async () => {
          await template.reload();
          setLoads((n) => n + 1);
          setTimeout(() => document.getElementById(EDITOR_HEADING)?.focus());
        }}
      />
    </>
  );
}

interface FormProps {
  tenantId: string;
  saved: Tagged<MailTemplate>;
  onSaved: (next: Tagged<MailTemplate>) => void;
  onReload: () => Promise<void>;
}

function TemplateForm({ tenantId, saved, onSaved, onReload }: FormProps) {
  const t = saved.value;
  const [subject, setSubject] = useState(t.subject);
  const [body, setBody] = useState(t.body);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  // What an insertion did, for screen readers (the eye sees it in the field).
  const [inserted, setInserted] = useState('');
  // The field a variable goes into: the one last in (the body until then), at its cursor once it was in.
  const [target, setTarget] = useState<Field>('body');
  const entered = useRef<Record<Field, boolean>>({ subject: false, body: false });
  const form = useRef<HTMLFormElement>(null);
  const preview = usePreview(tenantId, t.kind, { subject, body }, setErrors);
  const changed = subject !== t.subject || body !== t.body;

  const fieldOf = (f: Field) => form.current?.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${f}"]`) ?? null;
  const enter = (f: Field) => {
    entered.current[f] = true;
    setTarget(f);
  };

  const insert = (v: TemplateVariable) => {
    const field = fieldOf(target);
    const value = target === 'subject' ? subject : body;
    const known = entered.current[target] && field;
    const next = insertAt(
      value,
      known ? field.selectionStart! : value.length,
      known ? field.selectionEnd! : value.length,
      variableToken(v.name),
    );
    (target === 'subject' ? setSubject : setBody)(next.text);
    entered.current[target] = true;
    setInserted(`Inserted ${variableToken(v.name)} into the ${target}.`);
    requestAnimationFrame(() => {
      const f = fieldOf(target);
      if (!f) return;
      f.focus();
      f.setSelectionRange(next.caret, next.caret);
    });
  };

  const failed = (e: unknown) => {
    const api = e instanceof ApiError ? e : undefined;
    if (api?.status === 412) {
      setStale(true);
      setFormError(STALE);
    } else {
      const worded = templateProblem(e);
      const problem = worded instanceof ApiError ? worded.problem : undefined;
      setErrors(shownErrors(fieldErrors(problem)));
      setFormError(api ? summary(problem, FIELDS, api.status, api.retryAfter) : errorMessage(e));
    }
    setTimeout(() =>
      (
        form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current?.querySelector<HTMLElement>('[role="alert"]')
      )?.focus(),
    );
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFormError(null);
    setSaid('');
    try {
      const next = await saveTemplate(tenantId, t.kind, saved.etag, { subject, body });
      onSaved(next);
      setSubject(next.value.subject);
      setBody(next.value.body);
      setErrors({});
      setSaid(savedSentence(next.value.label));
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    if (busy) return;
    setBusy(true);
    setFormError(null);
    setSaid('');
    try {
      const next = await resetTemplate(tenantId, t.kind, saved.etag);
      onSaved(next);
      setSubject(next.value.subject);
      setBody(next.value.body);
      setErrors({});
      setSaid(resetSentence(next.value.label));
      setTimeout(() => form.current?.querySelector<HTMLElement>('button[type="submit"]')?.focus());
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="template" aria-labelledby={EDITOR_HEADING}>
      <div class="template__head">
        <h2 id={EDITOR_HEADING} tabIndex={-1}>
          {t.label}
        </h2>
        <OriginBadge customized={t.customized} />
      </div>
      <p class="muted template__about">
        {t.notification
          ? 'A notification: it is sent with an unsubscribe link and a link to the notification settings under the body.'
          : 'Sent to one person when it is needed, whatever their notification settings.'}
        {t.customized && t.updated_at ? ` Your template, last changed ${formatDateTime(t.updated_at)}.` : ''}
      </p>
      <div class="template__columns">
        <div class="template__write">
          <form
            class="form panel template__form"
            onSubmit={(e) => void save(e)}
            ref={form}
            noValidate
            aria-label={`Template of ${t.label}`}
          >
            <FormError message={formError} />
            <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
              {said}
            </p>
            <p role="status" class="visually-hidden">
              {inserted}
            </p>
            <TextField
              label="Subject"
              name="subject"
              autoComplete="off"
              value={subject}
              onValue={setSubject}
              onFocus={() => enter('subject')}
              error={errors.subject}
            />
            <TextArea
              label="Body"
              name="body"
              rows={10}
              hint="Markdown: **bold**, _italic_, [a link](https://example.com), lists with - or 1. and a blank line between paragraphs."
              value={body}
              onValue={setBody}
              onFocus={() => enter('body')}
              error={errors.body}
            />
            <div class="actions">
              <button class="button" type="submit" disabled={busy || stale}>
                Save template
              </button>
              {stale && (
                <button type="button" class="button button--secondary" onClick={() => void onReload()}>
                  Reload
                </button>
              )}
              {t.customized && !stale && (
                <ConfirmButton
                  label="Reset to default…"
                  confirm="Reset to the default"
                  decline="Keep mine"
                  danger
                  disabled={busy}
                  note={`Your subject and body for “${t.label}” are replaced by the default template.`}
                  onConfirm={() => void reset()}
                />
              )}
            </div>
            {changed && !stale && <p class="muted template__unsaved">Changes not saved yet.</p>}
          </form>
          <Variables variables={t.variables} target={target} onInsert={insert} />
        </div>
        <Preview label={t.label} state={preview} />
      </div>
    </article>
  );
}

const shownErrors = (all: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(all).filter(([f]) => (FIELDS as readonly string[]).includes(f)));

function Variables({
  variables,
  target,
  onInsert,
}: {
  variables: TemplateVariable[];
  target: Field;
  onInsert: (v: TemplateVariable) => void;
}) {
  return (
    <section class="panel" aria-labelledby="template-variables-heading">
      <h3 id="template-variables-heading">Variables</h3>
      <p class="muted">
        Each is filled in for the mail it goes in; the preview uses sample values. Insert puts one where the cursor is in the {target}.
      </p>
      <ul class="template-vars">
        {variables.map((v) => (
          <li key={v.name} class="template-var">
            <div class="template-var__text">
              <code>{variableToken(v.name)}</code>
              <span class="template-var__about">{v.description}</span>
            </div>
            <button type="button" class="button button--small button--secondary" onClick={() => onInsert(v)}>
              Insert
              <span class="visually-hidden">
                {' '}
                {variableToken(v.name)} into the {target}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface PreviewState {
  /** The last preview the server wrote (kept while the text has a mistake). */
  mail: MailPreview | null;
  busy: boolean;
  /** Why the preview is not of the text as it is now, in words; null when it is. */
  note: string | null;
  refresh: () => void;
}

/**
 * The preview of `text`: at once when the editor opens, then a moment after each change. The
 * server checks the text as a save would: its field errors go to `onErrors` (none once a
 * preview is written), and the last preview stays.
 */
function usePreview(tenantId: string, kind: string, text: TemplateText, onErrors: (e: FieldErrors) => void): PreviewState {
  const [mail, setMail] = useState<MailPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const latest = useMemo(
    () =>
      latestOnly(
        (input: TemplateText, signal) => previewTemplate(tenantId, kind, input, signal),
        () => setBusy(true),
        (o: Outcome<MailPreview>) => {
          setBusy(false);
          if (o.ok) {
            setMail(o.value);
            setNote(null);
            onErrors({});
            return;
          }
          const worded = templateProblem(o.error);
          const problem = worded instanceof ApiError && worded.status === 422 ? worded.problem : undefined;
          const errors = shownErrors(fieldErrors(problem));
          if (Object.keys(errors).length) {
            onErrors(errors);
            setNote('The preview waits for the mistakes marked in the form to be corrected.');
          } else setNote(`The preview could not be shown: ${errorMessage(o.error)}`);
        },
      ),
    [tenantId, kind],
  );
  useEffect(() => () => latest.stop(), [latest]);
  useEffect(() => latest.now(text), [latest]);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else latest.update(text);
  }, [text.subject, text.body]);
  return { mail, busy, note, refresh: () => latest.now(text) };
}

type Part = 'html' | 'text';
const PARTS: readonly { part: Part; label: string }[] = [
  { part: 'html', label: 'Formatted' },
  { part: 'text', label: 'Plain text' },
];

function Preview({ label, state }: { label: string; state: PreviewState }) {
  const [part, setPart] = useState<Part>('html');
  const tabs = useRef<HTMLDivElement>(null);
  const id = useId();
  const { mail } = state;
  const move = (e: KeyboardEvent) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const next: Part = e.key === 'Home' ? 'html' : e.key === 'End' ? 'text' : part === 'html' ? 'text' : 'html';
    setPart(next);
    tabs.current?.querySelector<HTMLElement>(`#${CSS.escape(`${id}-${next}`)}`)?.focus();
  };
  return (
    <section class="panel template-preview" aria-labelledby="template-preview-heading" aria-busy={state.busy}>
      <div class="template-preview__head">
        <h3 id="template-preview-heading">Preview</h3>
        <button type="button" class="link-button" onClick={state.refresh} disabled={state.busy}>
          Refresh preview
        </button>
      </div>
      <p class="muted template-preview__hint">
        With sample values, in your portal’s branding: exactly what would be sent. Nothing is saved.
      </p>
      <p role="status" class={state.note ? 'alert alert--error' : 'visually-hidden'}>
        {state.note}
      </p>
      {!mail ? (
        !state.note && <Loading label="Preparing the preview…" />
      ) : (
        <>
          <dl class="details template-preview__facts">
            <dt>From</dt>
            <dd>{mail.from}</dd>
            <dt>Subject</dt>
            <dd class="template-preview__subject">{mail.subject}</dd>
          </dl>
          <div class="tabs template-preview__tabs" role="tablist" aria-label="Part of the mail" ref={tabs} onKeyDown={move}>
            {PARTS.map((p) => (
              <button
                key={p.part}
                type="button"
                role="tab"
                id={`${id}-${p.part}`}
                aria-selected={part === p.part}
                aria-controls={`${id}-panel`}
                tabIndex={part === p.part ? 0 : -1}
                onClick={() => setPart(p.part)}
              >
                {p.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-${part}`} tabIndex={0} class="template-preview__panel">
            {part === 'html' ? (
              // The server sanitized this HTML; the frame runs nothing of it anyway (an empty sandbox).
              <iframe class="template-preview__frame" sandbox="" srcdoc={mail.html} title={`The “${label}” mail as recipients see it`} />
            ) : (
              <pre class="template-preview__text">{mail.text}</pre>
            )}
          </div>
        </>
      )}
    </section>
  );
}
