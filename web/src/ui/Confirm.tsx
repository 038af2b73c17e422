// A button that asks once more before doing something that cannot be taken back (sending,
// discarding): the question replaces it, focus moves to the answer and back when declined.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  /** The button's text ("Send…"). */
  label: string;
  /** What it acts on, said to screen readers only, where many such buttons share a screen ("Remove… Billing"). */
  subject?: string;
  /** The confirming button's text ("Send to Globex now"). */
  confirm: string;
  /** The declining button's text. */
  decline?: string;
  danger?: boolean;
  disabled?: boolean;
  /** What happens when confirmed, shown with the question. */
  note?: ComponentChildren;
  onConfirm: () => void;
}

export function ConfirmButton({ label, subject, confirm, decline = 'Not yet', danger, disabled, note, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    if (!moved.current) return;
    (asking ? yes : ask).current?.focus();
  }, [asking]);

  const toggle = (next: boolean) => {
    moved.current = true;
    setAsking(next);
  };

  if (!asking) {
    return (
      <button type="button" class="button button--secondary" ref={ask} disabled={disabled} onClick={() => toggle(true)}>
        {label}
        {subject && <span class="visually-hidden"> {subject}</span>}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={[label.replace(/…$/, ''), subject].filter(Boolean).join(' ')}>
      {note && <span class="confirm__note">{note}</span>}
      <button
        type="button"
        class={danger ? 'button button--danger' : 'button'}
        ref={yes}
        disabled={disabled}
        onClick={() => {
          moved.current = false;
          setAsking(false);
          onConfirm();
        }}
      >
        {confirm}
      </button>
      <button type="button" class="button button--secondary" onClick={() => toggle(false)}>
        {decline}
      </button>
    </span>
  );
}
