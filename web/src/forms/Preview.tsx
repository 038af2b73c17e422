// The builder's live preview: the form as people will fill it, at phone or desktop width, with
// the rules and calculations running as answers are tried (nothing is saved or sent).
import { useState } from 'preact/hooks';
import type { Answers } from './api';
import { evaluate } from './engine';
import { FieldInput } from './FieldInput';
import { fieldLabel, pageIndex } from './fill';
import type { FormDocument, Json } from './types';

export function Preview({ doc }: { doc: FormDocument }) {
  const [answers, setAnswers] = useState<Answers>({});
  const [page, setPage] = useState('');
  const [width, setWidth] = useState<'phone' | 'desktop'>('phone');
  const [shown, setShown] = useState(false);
  const ev = evaluate(doc, answers);
  const at = pageIndex(ev.path, page);
  const current = doc.pages.find((p) => p.key === ev.path[at]) ?? doc.pages[0];
  const visible = new Set(ev.visible);
  const set = (k: string, v: Json | undefined) =>
    setAnswers((all) => {
      const next = { ...all };
      if (v === undefined) delete next[k];
      else next[k] = v;
      return next;
    });
  const go = (to: number) => {
    setPage(ev.path[to]);
    setShown(false);
  };
  const errorsHere = current ? current.fields.filter((f) => visible.has(f.key) && ev.errors[f.key]) : [];
  return (
    <section class="panel builder-preview" aria-labelledby="builder-preview">
      <div class="builder-preview__head">
        <h2 id="builder-preview">Preview</h2>
        <div role="group" aria-label="Preview width" class="builder-preview__widths">
          {(['phone', 'desktop'] as const).map((w) => (
            <button
              key={w}
              type="button"
              class="button button--secondary button--small"
              aria-pressed={width === w}
              onClick={() => setWidth(w)}
            >
              {w === 'phone' ? 'Phone' : 'Desktop'}
            </button>
          ))}
        </div>
      </div>
      <div class={`builder-preview__frame builder-preview__frame--${width}`} data-width={width}>
        {ev.path.length > 1 && (
          <p class="field__hint">
            Page {at + 1} of {ev.path.length}
            {current?.title ? `: ${current.title}` : ''}
          </p>
        )}
        {current?.fields
          .filter((f) => visible.has(f.key))
          .map((f) => (
            <FieldInput
              key={f.key}
              field={f}
              value={answers[f.key]}
              computed={ev.values[f.key]}
              error={shown && ev.errors[f.key] ? `${fieldLabel(f)} ${ev.errors[f.key]}.` : undefined}
              onValue={(v) => set(f.key, v)}
            />
          ))}
        <div class="form-actions">
          {at > 0 && (
            <button type="button" class="button button--secondary" onClick={() => go(at - 1)}>
              Back
            </button>
          )}
          <button
            type="button"
            class="button"
            onClick={() => {
              if (errorsHere.length) setShown(true);
              else if (at < ev.path.length - 1) go(at + 1);
              else setShown(true);
            }}
          >
            {at < ev.path.length - 1 ? 'Next' : 'Check answers'}
          </button>
        </div>
        {shown && !errorsHere.length && at === ev.path.length - 1 && (
          <p role="status" class="field__hint">
            These answers would be accepted.
          </p>
        )}
        <button
          type="button"
          class="link-button"
          onClick={() => {
            setAnswers({});
            setPage('');
            setShown(false);
          }}
        >
          Clear the preview
        </button>
      </div>
    </section>
  );
}
