// Filling a form: its published version a page at a time with a progress bar, the live rules
// (fields and pages shown or hidden, skips, calculated values) from the same engine the server
// checks with, answers kept as a draft on the server while typing (resumed here or on another
// device), and a submission the server evaluates again. One view is counted per visit.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api/problem';
import { requestKey } from '../api/edits';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { AVAILABILITY, countView, discardDraft, formToFill, getDraft, saveDraft, submitForm, type Answers } from './api';
import { evaluate } from './engine';
import { FieldInput } from './FieldInput';
import { fileHost, knownFiles } from './files';
import { answerErrors, fieldLabel, pageIndex } from './fill';
import type { FormDocument, Json, UploadInfo } from './types';
import './forms.css';

/** How long typing pauses before the draft is saved. */
export const SAVE_AFTER_MS = 1200;

export default function FillPage({ formId }: { formId: string }) {
  const fill = useResource(async () => {
    const view = await formToFill(formId);
    // The draft's version, so a save from another device is not overwritten unseen.
    const etag = view.draft
      ? await getDraft(formId).then(
          (d) => d.etag,
          () => null,
        )
      : null;
    return { view, etag };
  }, [formId]);
  const counted = useRef(false);
  useEffect(() => {
    if (counted.current || fill.data?.view.form.availability !== 'open') return;
    counted.current = true;
    countView(formId).catch(() => undefined);
  }, [fill.data]);

  if (fill.error)
    return (
      <Page title="Form">
        {fill.error instanceof ApiError && fill.error.status === 404 ? (
          <Empty>There is no such form.</Empty>
        ) : (
          <ErrorNote error={fill.error} />
        )}
      </Page>
    );
  if (!fill.data)
    return (
      <Page title="Form">
        <Loading />
      </Page>
    );
  const { view, etag } = fill.data;
  const { form } = view;
  if (form.availability !== 'open' || !view.document) {
    return (
      <Page title={form.name}>
        <Empty>{closedWords(form.availability)}</Empty>
        <a href="/forms">All forms</a>
      </Page>
    );
  }
  return (
    <Page title={form.name}>
      {form.description && <p class="form-description">{form.description}</p>}
      <Filler
        formId={formId}
        doc={view.document as unknown as FormDocument}
        initial={(view.draft?.answers as Answers | undefined) ?? {}}
        initialPage={view.draft?.page}
        etag={etag}
      />
    </Page>
  );
}

const closedWords = (a: keyof typeof AVAILABILITY) =>
  a === 'not_yet_open' ? 'This form is not open yet.' : a === 'unpublished' ? 'This form is not published yet.' : 'This form is closed.';

export interface FillerProps {
  formId: string;
  doc: FormDocument;
  initial: Answers;
  initialPage?: string;
  etag: string | null;
  /**
   * Sends the answers (default: a submission of the form); throws an ApiError whose
   * `answers.<key>` errors are shown at their fields, anything else above the form.
   */
  send?: (answers: Answers, key: string) => Promise<void>;
  /** What to show once sent (default: a thank-you). */
  sent?: ComponentChildren;
  /** The last page's button (default "Submit"). */
  submitLabel?: string;
}

export function Filler({ formId, doc, initial, initialPage, etag: firstEtag, send, sent, submitLabel = 'Submit' }: FillerProps) {
  const [answers, setAnswers] = useState<Answers>(initial);
  // The files uploaded (or named again by a resumed draft), so the live checks know them.
  const [files, setFiles] = useState<Record<string, UploadInfo>>({});
  const ev = evaluate(doc, answers, (id) => files[id]);
  const [page, setPage] = useState<string>(initialPage && ev.path.includes(initialPage) ? initialPage : ev.path[0]);
  const [shown, setShown] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<'idle' | 'saving' | 'saved' | 'stale' | 'failed'>(Object.keys(initial).length ? 'saved' : 'idle');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const etag = useRef(firstEtag);
  const dirty = useRef(false);
  const key = useRef(requestKey());
  const top = useRef<HTMLDivElement>(null);
  const host = useMemo(() => knownFiles(fileHost(formId), (f) => setFiles((all) => ({ ...all, [f.id]: f }))), [formId]);

  const save = async (next: Answers, onPage: string) => {
    dirty.current = false;
    setSaved('saving');
    try {
      etag.current = (await saveDraft(formId, onPage, next, etag.current)).etag;
      setSaved('saved');
    } catch (e) {
      setSaved(e instanceof ApiError && e.status === 412 ? 'stale' : 'failed');
    }
  };
  useEffect(() => {
    if (!dirty.current || done) return;
    const t = setTimeout(() => void save(answers, page), SAVE_AFTER_MS);
    return () => clearTimeout(t);
  }, [answers]);

  const at = pageIndex(ev.path, page);
  const current = doc.pages.find((p) => p.key === page) ?? doc.pages[0];
  const visible = new Set(ev.visible);
  const onThisPage = current.fields.filter((f) => visible.has(f.key));
  const last = at === ev.path.length - 1;

  const set = (k: string, v: Json | undefined) => {
    dirty.current = true;
    setAnswers((all) => {
      const next = { ...all };
      if (v === undefined) delete next[k];
      else next[k] = v;
      return next;
    });
    setShown((s) => {
      if (!(k in s)) return s;
      const { [k]: _, ...rest } = s;
      return rest;
    });
  };

  const focusFirstError = () =>
    requestAnimationFrame(() => top.current?.querySelector<HTMLElement>('[aria-invalid="true"], .field--invalid input')?.focus());

  const go = (to: string) => {
    setPage(to);
    setShown({});
    setProblem(null);
    void save(answers, to);
    requestAnimationFrame(() =>
      top.current?.querySelector<HTMLElement>('h2, [data-field] input, [data-field] select, [data-field] textarea')?.focus(),
    );
  };

  const pageErrors = () => Object.fromEntries(onThisPage.filter((f) => ev.errors[f.key]).map((f) => [f.key, ev.errors[f.key]]));

  const next = () => {
    const errors = pageErrors();
    if (Object.keys(errors).length) {
      setShown(errors);
      focusFirstError();
      return;
    }
    go(ev.path[at + 1]);
  };

  const submit = async () => {
    const errors = pageErrors();
    if (Object.keys(errors).length) {
      setShown(errors);
      focusFirstError();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      if (send) await send(answers, key.current);
      else await submitForm(formId, answers, key.current);
      dirty.current = false;
      setDone(true);
    } catch (e) {
      const byField = e instanceof ApiError ? answerErrors(e.problem) : {};
      const first = Object.keys(byField)[0];
      const where = first ? ev.path.find((p) => doc.pages.find((x) => x.key === p)?.fields.some((f) => f.key === first)) : undefined;
      if (where && where !== page) setPage(where);
      setShown(byField);
      setProblem(first ? 'Please correct the answers marked below.' : errorMessage(e));
      if (first) focusFirstError();
      // A refusal made nothing: the next attempt is a new request.
      if (e instanceof ApiError && e.status < 500) key.current = requestKey();
    } finally {
      setBusy(false);
    }
  };

  const startOver = async () => {
    await discardDraft(formId).catch(() => undefined);
    etag.current = null;
    dirty.current = false;
    setAnswers({});
    setSaved('idle');
    setShown({});
    setPage(evaluate(doc, {}).path[0]);
  };

  if (done) {
    return (
      sent ?? (
        <div class="panel form-done" role="status">
          <h2>Thank you</h2>
          <p>Your answers were sent.</p>
          <a href="/forms">All forms</a>
        </div>
      )
    );
  }

  return (
    <div class="form-fill" ref={top}>
      {ev.path.length > 1 && (
        <div class="form-progress">
          <p id="form-progress-label">
            Page {at + 1} of {ev.path.length}
            {current.title ? `: ${current.title}` : ''}
          </p>
          <progress max={ev.path.length} value={at + 1} aria-labelledby="form-progress-label" />
        </div>
      )}
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      <form
        class="form form-page"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (last) void submit();
          else next();
        }}
      >
        {ev.path.length <= 1 && current.title && <h2>{current.title}</h2>}
        {onThisPage.map((f) => (
          <FieldInput
            key={f.key}
            field={f}
            value={answers[f.key]}
            computed={ev.values[f.key]}
            error={shown[f.key] ? `${fieldLabel(f)} ${shown[f.key]}.` : undefined}
            onValue={(v) => set(f.key, v)}
            host={host}
          />
        ))}
        <div class="form-actions">
          {at > 0 && (
            <button type="button" class="button button--secondary" onClick={() => go(ev.path[at - 1])}>
              Back
            </button>
          )}
          <button type="submit" class="button" disabled={busy}>
            {last ? (busy ? 'Sending…' : submitLabel) : 'Next'}
          </button>
        </div>
      </form>
      <div class="form-draft">
        <p role="status" class="field__hint">
          {saved === 'saving'
            ? 'Saving your answers…'
            : saved === 'saved'
              ? 'Your answers are saved: you can come back to them here or on another device.'
              : saved === 'stale'
                ? 'Your answers were changed on another device. Reload the page to continue from there.'
                : saved === 'failed'
                  ? 'Your answers could not be saved just now; they will be saved with your next change.'
                  : ''}
        </p>
        {saved !== 'idle' && (
          <button type="button" class="link-button" onClick={startOver}>
            Start over
          </button>
        )}
      </div>
    </div>
  );
}
