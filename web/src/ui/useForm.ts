// Form state that survives a failed submit: values stay as typed, the server's field errors sit
// next to their fields, the rest goes in a summary, and focus moves to the first field at fault.
import { useRef, useState } from 'preact/hooks';
import type { ProblemContext } from '../api/messages';
import { ApiError, fieldErrors, summary, type FieldErrors } from '../api/problem';

export interface FormState<T> {
  values: T;
  errors: FieldErrors;
  formError: string | null;
  busy: boolean;
  set: <K extends keyof T>(name: K, value: T[K]) => void;
  reset: (values?: T) => void;
  submit: (action: (values: T) => Promise<void>) => (event?: Event) => Promise<void>;
  formRef: { current: HTMLFormElement | null };
}

export interface FormOptions {
  /** Where the form is, when that changes what a problem means (read when a submit fails). */
  context?: ProblemContext | (() => ProblemContext | undefined);
}

export function useForm<T extends object>(initial: T, options: FormOptions = {}): FormState<T> {
  const [values, setValues] = useState<T>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement | null>(null);

  const set = <K extends keyof T>(name: K, value: T[K]) => {
    setValues((v) => ({ ...v, [name]: value }));
    if (errors[name as string]) setErrors(({ [name as string]: _, ...rest }) => rest);
  };

  const submit = (action: (values: T) => Promise<void>) => async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setFormError(null);
    try {
      await action(values);
      setErrors({});
    } catch (e) {
      const api = e instanceof ApiError ? e : undefined;
      const shown = Object.keys(values as object);
      const byField = Object.fromEntries(Object.entries(fieldErrors(api?.problem)).filter(([f]) => shown.includes(f)));
      setErrors(byField);
      const context = typeof options.context === 'function' ? options.context() : options.context;
      // The app's own errors (not from the API) are already worded for people.
      const own = !api && e instanceof Error && !(e instanceof TypeError) ? e.message : undefined;
      setFormError(own ?? summary(api?.problem, shown, api?.status ?? 0, api?.retryAfter, context));
      queueMicrotask(() => focusFirstInvalid(formRef.current, Object.keys(byField)));
    } finally {
      setBusy(false);
    }
  };

  const reset = (next: T = initial) => {
    setValues(next);
    setErrors({});
    setFormError(null);
  };

  return { values, errors, formError, busy, set, reset, submit, formRef };
}

function focusFirstInvalid(form: HTMLFormElement | null, fields: string[]): void {
  if (!form) return;
  const target =
    fields.map((f) => form.querySelector<HTMLElement>(`[name="${CSS.escape(f)}"]`)).find(Boolean) ??
    form.querySelector<HTMLElement>('[role="alert"]');
  target?.focus();
}
