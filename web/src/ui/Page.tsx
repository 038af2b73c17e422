// A screen's frame: its heading (also the document title) and an optional toolbar.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { branding } from '../theme/branding';

interface Props {
  title: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}

export function Page({ title, actions, children }: Props) {
  useEffect(() => {
    const portal = branding.value?.portal_name;
    document.title = portal ? `${title} · ${portal}` : title;
  }, [title]);
  return (
    <>
      <div class="page-header">
        <h1>{title}</h1>
        {actions && <div class="page-header__actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="loading" role="status">
      {label}
    </p>
  );
}

export function ErrorNote({ error }: { error: Error }) {
  return (
    <p class="alert alert--error" role="alert">
      {error.message}
    </p>
  );
}
