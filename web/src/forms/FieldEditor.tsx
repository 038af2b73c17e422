// Configuring one field: its label, key, help, whether it is required, and what its type
// takes (choices with optional scores, rows and columns, limits, a pattern, a formula, file
// types and size). The server checks the same and names any fault by its path.
import { TextArea, TextField } from '../ui/Field';
import { hasOptions, typeName } from './builder';
import type { Choice, Field } from './types';

interface Props {
  field: Field;
  /** The server's errors on this field, by setting (`label`, `options`, …). */
  errors: Record<string, string>;
  onChange: (change: Partial<Field>) => void;
  onRemove: () => void;
}

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
const count = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : null);

/** Choices as one per line: `Label`, or `Label | value`, or `Label | value | score`. */
export const choicesText = (options: Choice[] = []) =>
  options
    .map((o) => [o.label || o.value, o.label && o.label !== o.value ? o.value : '', o.score ?? ''].join(' | ').replace(/( \| )+$/, ''))
    .join('\n');

export function parseChoices(text: string): Choice[] {
  return lines(text).map((line, n) => {
    const [label, value, score] = line.split('|').map((x) => x.trim());
    const v =
      value ||
      label
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') ||
      `option_${n + 1}`;
    const c: Choice = { value: v, label };
    if (score) c.score = score;
    return c;
  });
}

export function FieldEditor({ field: f, errors, onChange, onRemove }: Props) {
  const numeric = ['number', 'currency', 'rating', 'slider', 'calculated'].includes(f.type);
  const texty = ['text', 'textarea', 'hidden', 'phone'].includes(f.type);
  const dated = ['date', 'time', 'date_time'].includes(f.type);
  const files = ['file', 'image', 'signature'].includes(f.type);
  const counted = ['multi_select', 'checkboxes', 'file', 'image'].includes(f.type);
  const decorative = ['section', 'divider'].includes(f.type);
  return (
    <section class="panel builder-editor" aria-labelledby="builder-editor-title">
      <h2 id="builder-editor-title">
        {typeName(f.type)}: {f.label || f.key}
      </h2>
      <div class="form">
        {f.type !== 'divider' && (
          <TextField
            label={f.type === 'section' ? 'Heading' : 'Label'}
            name="label"
            value={f.label ?? ''}
            error={errors.label}
            onValue={(v) => onChange({ label: v })}
          />
        )}
        <TextField
          label="Key"
          name="key"
          value={f.key}
          hint="How answers are named in exports and rules: a-z, 0-9 and _, starting with a letter."
          error={errors.key}
          onValue={(v) => onChange({ key: v })}
        />
        {!decorative && (
          <TextArea
            label={f.type === 'paragraph' ? 'Text' : 'Help text'}
            name="help"
            rows={2}
            value={f.help ?? ''}
            error={errors.help}
            onValue={(v) => onChange({ help: orNull(v) })}
          />
        )}
        {!decorative && !['paragraph', 'calculated', 'hidden'].includes(f.type) && (
          <label class="check">
            <input type="checkbox" checked={Boolean(f.required)} onChange={(e) => onChange({ required: e.currentTarget.checked })} />
            Required
          </label>
        )}
        {hasOptions(f.type) && (
          <TextArea
            label="Choices"
            name="options"
            rows={5}
            hint="One per line: Label, or Label | value, or Label | value | score (used by calculations)."
            value={choicesText(f.options)}
            error={errors.options}
            onValue={(v) => onChange({ options: parseChoices(v) })}
          />
        )}
        {f.type === 'matrix' && (
          <>
            <TextArea
              label="Rows"
              name="rows"
              rows={3}
              hint="One per line."
              value={(f.rows ?? []).join('\n')}
              error={errors.rows}
              onValue={(v) => onChange({ rows: lines(v) })}
            />
            <TextArea
              label="Columns"
              name="columns"
              rows={3}
              hint="One per line."
              value={(f.columns ?? []).join('\n')}
              onValue={(v) => onChange({ columns: lines(v) })}
            />
          </>
        )}
        {(numeric || dated || counted) && f.type !== 'calculated' && (
          <div class="form--inline">
            <TextField
              label={counted ? 'Fewest chosen' : dated ? 'Earliest' : 'Minimum'}
              name="min"
              value={f.min ?? ''}
              error={errors.min}
              onValue={(v) => onChange({ min: orNull(v) })}
            />
            <TextField
              label={counted ? 'Most chosen' : dated ? 'Latest' : 'Maximum'}
              name="max"
              value={f.max ?? ''}
              error={errors.max}
              onValue={(v) => onChange({ max: orNull(v) })}
            />
          </div>
        )}
        {numeric && f.type !== 'rating' && (
          <TextField
            label="Decimal places"
            name="decimals"
            inputMode="numeric"
            value={f.decimals == null ? '' : String(f.decimals)}
            error={errors.decimals}
            onValue={(v) => onChange({ decimals: count(v) })}
          />
        )}
        {texty && (
          <div class="form--inline">
            <TextField
              label="Fewest characters"
              name="min_length"
              inputMode="numeric"
              value={f.min_length == null ? '' : String(f.min_length)}
              onValue={(v) => onChange({ min_length: count(v) })}
            />
            <TextField
              label="Most characters"
              name="max_length"
              inputMode="numeric"
              value={f.max_length == null ? '' : String(f.max_length)}
              onValue={(v) => onChange({ max_length: count(v) })}
            />
          </div>
        )}
        {['text', 'textarea'].includes(f.type) && (
          <TextField
            label="Pattern"
            name="pattern"
            hint="A regular expression the whole answer matches."
            value={f.pattern ?? ''}
            error={errors.pattern}
            onValue={(v) => onChange({ pattern: orNull(v) })}
          />
        )}
        {f.type === 'calculated' && (
          <TextField
            label="Formula"
            name="formula"
            hint="Arithmetic over fields before this one by key, e.g. hours * 85 + rush * 200; round(x, 2), min, max, abs, floor, ceil."
            value={f.formula ?? ''}
            error={errors.formula}
            onValue={(v) => onChange({ formula: v })}
          />
        )}
        {f.type === 'hidden' && (
          <TextField
            label="Value"
            name="default"
            value={typeof f.default === 'string' ? f.default : ''}
            onValue={(v) => onChange({ default: v || null })}
          />
        )}
        {files && (
          <>
            <TextField
              label="Accepted types"
              name="accept"
              hint="Comma-separated, e.g. application/pdf, image/*. Empty: any."
              value={(f.accept ?? []).join(', ')}
              onValue={(v) =>
                onChange({
                  accept: v
                    .split(',')
                    .map((x) => x.trim())
                    .filter(Boolean),
                })
              }
            />
            <TextField
              label="Largest file (bytes)"
              name="max_bytes"
              inputMode="numeric"
              value={f.max_bytes == null ? '' : String(f.max_bytes)}
              onValue={(v) => onChange({ max_bytes: count(v) })}
            />
          </>
        )}
        <div>
          <button type="button" class="button button--danger" onClick={onRemove}>
            Remove field
          </button>
        </div>
      </div>
    </section>
  );
}
