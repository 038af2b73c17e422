// A dashboard card whose body folds away (handy on phones); the heading is the toggle.
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';

interface Props {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  wide?: boolean;
}

export function Card({ title, children, actions, wide }: Props) {
  const [open, setOpen] = useState(true);
  const bodyId = useId();
  return (
    <section class={wide ? 'card card--wide' : 'card'} aria-label={title}>
      <header class="card__header">
        <h2 class="card__title">
          <button type="button" class="card__toggle" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
            <span>{title}</span>
            <span aria-hidden="true" class="card__chevron">
              {open ? '−' : '+'}
            </span>
          </button>
        </h2>
        {actions}
      </header>
      <div id={bodyId} class="card__body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}
