// The frame of the sign-in pages: the portal's brand and one card.
import type { ComponentChildren } from 'preact';
import { branding } from '../theme/branding';
import { Page } from '../ui/Page';

export function AuthCard({ title, children }: { title: string; children: ComponentChildren }) {
  const b = branding.value;
  return (
    <div class="auth-card">
      <p class="auth-brand">
        {b?.logo_url && <img src={b.logo_url} alt="" width="40" height="40" />}
        <span>{b?.portal_name ?? 'Client portal'}</span>
      </p>
      <Page title={title}>{children}</Page>
      {(b?.terms_url || b?.privacy_url || b?.support_email) && (
        <p class="muted">
          {b.support_email && <a href={`mailto:${b.support_email}`}>Contact support</a>} {b.terms_url && <a href={b.terms_url}>Terms</a>}{' '}
          {b.privacy_url && <a href={b.privacy_url}>Privacy</a>}
        </p>
      )}
    </div>
  );
}
