// One field of a live form, as its type asks: a labelled control (or a group of them in a
// fieldset), its help text and its error wired up for assistive technology. Answers are kept as
// the server reads them: numbers as decimal strings, dates as `YYYY-MM-DD`, choices by value.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { FileAnswer } from './FileAnswer';
import type { FileHost } from './files';
import { SignaturePad } from './SignaturePad';
import type { Field, Json } from './types';

interface Props {
  field: Field;
  value: Json | undefined;
  /** What a calculated field comes to (decimal string). */
  computed?: Json;
  error?: string;
  onValue: (value: Json | undefined) => void;
  /** Where files go (none in the builder's preview). */
  host?: FileHost;
}

const text = (v: Json | undefined): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const list = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const record = (v: Json | undefined): Record<string, string> =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
const orNone = (s: string): Json | undefined => (s === '' ? undefined : s);

const INPUT_TYPE: Partial<Record<Field['type'], string>> = {
  text: 'text',
  email: 'email',
  phone: 'tel',
  url: 'url',
  date: 'date',
  time: 'time',
  date_time: 'datetime-local',
};

export const ADDRESS_PARTS: [string, string, string][] = [
  ['line1', 'Street', 'address-line1'],
  ['line2', 'Street, second line', 'address-line2'],
  ['city', 'City', 'address-level2'],
  ['region', 'State or region', 'address-level1'],
  ['postal_code', 'Postal code', 'postal-code'],
  ['country', 'Country', 'country-name'],
];

export function FieldInput({ field: f, value, computed, error, onValue, host }: Props) {
  const id = useId();
  const label = f.label || f.key;
  const hintId = f.help ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const invalid = error ? true : undefined;
  const required = f.required ? true : undefined;
  const notes = (
    <>
      {f.help && (
        <p class="field__hint" id={hintId}>
          {f.help}
        </p>
      )}
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
    </>
  );
  const single = (control: ComponentChildren) => (
    <div class={error ? 'field field--invalid' : 'field'} data-field={f.key}>
      <label for={id}>
        {label}
        {f.required && <span aria-hidden="true"> *</span>}
      </label>
      {notes}
      {control}
    </div>
  );
  const group = (controls: ComponentChildren) => (
    <fieldset class={error ? 'fieldset field--invalid' : 'fieldset'} data-field={f.key} aria-describedby={describedBy}>
      <legend>
        {label}
        {f.required && <span aria-hidden="true"> *</span>}
      </legend>
      {notes}
      {controls}
    </fieldset>
  );
  const common = { id, name: f.key, 'aria-describedby': describedBy, 'aria-invalid': invalid, 'aria-required': required };

  switch (f.type) {
    case 'hidden':
      return null;
    case 'section':
      return <h2 class="form-section">{label}</h2>;
    case 'paragraph':
      return <p class="form-paragraph">{f.help ?? f.label}</p>;
    case 'divider':
      return <hr />;
    case 'calculated':
      return (
        <div class="field" data-field={f.key}>
          <span class="field__label" id={`${id}-label`}>
            {label}
          </span>
          <output aria-labelledby={`${id}-label`} class="form-computed">
            {text(computed) || '—'}
          </output>
          {notes}
        </div>
      );
    case 'textarea':
      return single(<textarea {...common} rows={5} value={text(value)} onInput={(e) => onValue(orNone(e.currentTarget.value))} />);
    case 'number':
    case 'currency':
      return single(
        <input
          {...common}
          type="text"
          inputMode="decimal"
          value={text(value)}
          onInput={(e) => onValue(orNone(e.currentTarget.value.trim()))}
        />,
      );
    case 'slider': {
      const lo = f.min ?? '0';
      const hi = f.max ?? '100';
      return single(
        <div class="form-slider">
          <input {...common} type="range" min={lo} max={hi} value={text(value) || lo} onInput={(e) => onValue(e.currentTarget.value)} />
          <output for={id}>{text(value) || '—'}</output>
        </div>,
      );
    }
    case 'colour':
      return single(<input {...common} type="color" value={text(value) || '#000000'} onInput={(e) => onValue(e.currentTarget.value)} />);
    case 'dropdown':
      return single(
        <select {...common} value={text(value)} onChange={(e) => onValue(orNone(e.currentTarget.value))}>
          <option value="">Choose…</option>
          {(f.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label || o.value}
            </option>
          ))}
        </select>,
      );
    case 'multi_select':
    case 'checkboxes': {
      const chosen = list(value);
      const toggle = (v: string, on: boolean) => {
        const next = on ? [...chosen.filter((c) => c !== v), v] : chosen.filter((c) => c !== v);
        onValue(next.length ? next : undefined);
      };
      return group(
        <div class="form-choices">
          {(f.options ?? []).map((o) => (
            <label class="check" key={o.value}>
              <input
                type="checkbox"
                name={f.key}
                checked={chosen.includes(o.value)}
                onChange={(e) => toggle(o.value, e.currentTarget.checked)}
              />
              {o.label || o.value}
            </label>
          ))}
        </div>,
      );
    }
    case 'radio':
      return group(
        <div class="form-choices">
          {(f.options ?? []).map((o) => (
            <label class="check" key={o.value}>
              <input type="radio" name={f.key} checked={text(value) === o.value} onChange={() => onValue(o.value)} />
              {o.label || o.value}
            </label>
          ))}
        </div>,
      );
    case 'rating': {
      const most = Number(f.max ?? '5') || 5;
      const least = Number(f.min ?? '1') || 1;
      const steps = Array.from({ length: Math.max(0, most - least + 1) }, (_, i) => String(least + i));
      return group(
        <div class="form-rating">
          {steps.map((s) => (
            <label class="check" key={s}>
              <input type="radio" name={f.key} checked={text(value) === s} onChange={() => onValue(s)} />
              {s}
            </label>
          ))}
        </div>,
      );
    }
    case 'toggle':
      return (
        <div class={error ? 'field field--invalid' : 'field'} data-field={f.key}>
          <label class="check">
            <input
              type="checkbox"
              name={f.key}
              checked={value === true}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => onValue(e.currentTarget.checked)}
            />
            {label}
            {f.required && <span aria-hidden="true"> *</span>}
          </label>
          {notes}
        </div>
      );
    case 'address': {
      const parts = record(value);
      const set = (k: string, v: string) => {
        const next: Record<string, Json> = { ...parts, [k]: v };
        if (v === '') delete next[k];
        onValue(Object.keys(next).length ? next : undefined);
      };
      return group(
        <div class="form-address">
          {ADDRESS_PARTS.map(([k, name, auto]) => (
            <div class="field" key={k}>
              <label for={`${id}-${k}`}>{name}</label>
              <input
                id={`${id}-${k}`}
                name={`${f.key}.${k}`}
                autocomplete={auto}
                value={parts[k] ?? ''}
                onInput={(e) => set(k, e.currentTarget.value)}
              />
            </div>
          ))}
        </div>,
      );
    }
    case 'matrix': {
      const rows = record(value);
      const set = (row: string, col: string) => onValue({ ...rows, [row]: col });
      return group(
        <div class="form-matrix">
          <table>
            <thead>
              <tr>
                <td />
                {(f.columns ?? []).map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(f.rows ?? []).map((r) => (
                <tr key={r}>
                  <th scope="row">{r}</th>
                  {(f.columns ?? []).map((c) => (
                    <td key={c}>
                      <input
                        type="radio"
                        name={`${f.key}.${r}`}
                        aria-label={`${r}: ${c}`}
                        checked={rows[r] === c}
                        onChange={() => set(r, c)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
    }
    case 'file':
    case 'image':
      return single(
        <FileAnswer field={f} value={value} onValue={onValue} host={host} inputId={id} describedBy={describedBy} invalid={invalid} />,
      );
    case 'signature':
      return group(<SignaturePad field={f} value={value} onValue={onValue} host={host} inputId={id} describedBy={describedBy} />);
    default: {
      const type = INPUT_TYPE[f.type] ?? 'text';
      return single(<input {...common} type={type} value={text(value)} onInput={(e) => onValue(orNone(e.currentTarget.value))} />);
    }
  }
}
