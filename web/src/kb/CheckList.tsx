// A list of check boxes to choose several from (organizations, related articles), with an
// optional filter for long lists and the server's error for the whole choice.
import { useId, useState } from 'preact/hooks';

interface Props {
  legend: string;
  /** The field the server's errors name (and focus goes to when it is at fault). */
  name: string;
  items: { value: string; label: string }[];
  chosen: string[];
  onChosen: (chosen: string[]) => void;
  error?: string;
  hint?: string;
  /** Said when there is nothing to choose. */
  empty: string;
  /** The filter's label, for lists long enough to need one. */
  filter?: string;
}

export function CheckList({ legend, name, items, chosen, onChosen, error, hint, empty, filter }: Props) {
  const id = useId();
  const [words, setWords] = useState('');
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const wanted = words.trim().toLowerCase();
  const shown = items.filter((i) => !wanted || chosen.includes(i.value) || i.label.toLowerCase().includes(wanted));
  return (
    <fieldset class={error ? 'fieldset field--invalid' : 'fieldset'}>
      <legend>{legend}</legend>
      {hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {filter && items.length > 8 && (
        <div class="field">
          <label for={`${id}-filter`}>{filter}</label>
          <input id={`${id}-filter`} type="search" autoComplete="off" value={words} onInput={(e) => setWords(e.currentTarget.value)} />
        </div>
      )}
      {!items.length ? (
        <p class="muted">{empty}</p>
      ) : (
        <div class="kb-picker">
          {shown.map((i) => (
            <label class="check" key={i.value}>
              <input
                type="checkbox"
                name={name}
                value={i.value}
                checked={chosen.includes(i.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy}
                onChange={(e) =>
                  onChosen(
                    e.currentTarget.checked ? [...chosen.filter((x) => x !== i.value), i.value] : chosen.filter((x) => x !== i.value),
                  )
                }
              />
              {i.label}
            </label>
          ))}
        </div>
      )}
      {error && (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
