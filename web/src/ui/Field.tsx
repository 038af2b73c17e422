// Labelled form controls with their hint and error wired up for assistive technology.
import type { ComponentChildren, JSX, Ref } from 'preact';
import { useId } from 'preact/hooks';

interface ShellProps {
  label: string;
  error?: string;
  hint?: string;
  children: (ids: { id: string; describedBy?: string; invalid: boolean }) => ComponentChildren;
}

function FieldShell({ label, error, hint, children }: ShellProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field--invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'onInput' | 'value'> & {
  label: string;
  name: string;
  value: string;
  onValue: (value: string) => void;
  error?: string;
  hint?: string;
  /** The id of more text describing the input (outside the field), read after the hint and error. */
  describedBy?: string;
};

export function TextField({ label, error, hint, onValue, describedBy: more, ...input }: InputProps) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <input
          {...input}
          id={id}
          aria-describedby={[describedBy, more].filter(Boolean).join(' ') || undefined}
          aria-invalid={invalid || undefined}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
    </FieldShell>
  );
}

type AreaProps = Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'label' | 'onInput' | 'value' | 'ref'> & {
  label: string;
  inputRef?: Ref<HTMLTextAreaElement>;
  name: string;
  value: string;
  onValue: (value: string) => void;
  error?: string;
  hint?: string;
};

export function TextArea({ label, error, hint, onValue, inputRef, ...area }: AreaProps) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <textarea
          rows={5}
          {...area}
          ref={inputRef}
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
    </FieldShell>
  );
}

interface SelectProps {
  label: string;
  name: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onValue: (value: string) => void;
  error?: string;
  hint?: string;
  placeholder?: string;
  disabled?: boolean;
}

export function SelectField({ label, name, value, options, onValue, error, hint, placeholder, disabled }: SelectProps) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          name={name}
          value={value}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          disabled={disabled}
          onChange={(e) => onValue(e.currentTarget.value)}
        >
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

export function FormError({ message }: { message: string | null }) {
  return (
    <div role="alert" tabIndex={-1} class={message ? 'alert alert--error' : 'visually-hidden'}>
      {message}
    </div>
  );
}

/** The actions under an edit form: save, reload (when someone else changed it meanwhile), cancel. */
export function EditActions({
  save,
  busy,
  stale,
  onReload,
  onCancel,
}: {
  save: string;
  busy: boolean;
  stale: boolean;
  onReload: () => void;
  onCancel: () => void;
}) {
  return (
    <div class="actions">
      <button class="button" type="submit" disabled={busy || stale}>
        {save}
      </button>
      {stale && (
        <button type="button" class="button button--secondary" onClick={onReload}>
          Reload
        </button>
      )}
      <button type="button" class="button button--secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
