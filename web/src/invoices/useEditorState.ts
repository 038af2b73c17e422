// The state both invoice editors keep (a one-off invoice's draft and a recurring invoice): the
// values as typed, the field errors by field, and the line edits (add, change, remove) that
// keep the errors on their lines and the keyboard near where it was.
import { useRef, useState } from 'preact/hooks';
import { asDiscountKind, blankLine, withoutLine, type EditorValues, type LineValues } from './editor';

/** The editor's fields typed as text (the shared sections set them). */
export type TextKey = 'billed' | 'currency' | 'discount_kind' | 'discount_value' | 'notes' | 'terms_text';
export type SetText = (name: TextKey, value: string, field?: string) => void;

export function useEditorState<V extends EditorValues>(initial: () => V) {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);

  const clear = (field: string) => {
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  };
  const set = <K extends keyof V>(name: K, value: V[K], field: string = name as string) => {
    setValues((v) => ({ ...v, [name]: value }));
    clear(field);
  };
  const setText: SetText = (name, value, field) =>
    set(name, (name === 'discount_kind' ? asDiscountKind(value) : value) as V[typeof name], field);
  const setLine = (index: number, change: Partial<LineValues>, field: string) => {
    setValues((v) => ({ ...v, lines: v.lines.map((l, i) => (i === index ? { ...l, ...change } : l)) }));
    clear(field);
  };
  const addLine = () => {
    setValues((v) => ({ ...v, lines: [...v.lines, blankLine(v.lines[v.lines.length - 1]?.tax_rate_ids ?? [])] }));
    const index = values.lines.length;
    setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="lines[${index}].description"]`)?.focus(), 0);
  };
  const removeLine = (index: number) => {
    setValues((v) => ({ ...v, lines: v.lines.filter((_, i) => i !== index) }));
    setErrors((e) => withoutLine(e, index));
    // The button pressed is gone: keep the keyboard near where it was.
    setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="lines[${Math.max(0, index - 1)}].description"]`)?.focus(), 0);
  };
  /** After a failed submit: the first field at fault, or the summary. */
  const focusFirstError = () =>
    setTimeout(() => {
      const form = formRef.current;
      (form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('[role="alert"]'))?.focus();
    }, 0);

  return { values, setValues, errors, setErrors, set, setText, setLine, addLine, removeLine, formRef, focusFirstError };
}
