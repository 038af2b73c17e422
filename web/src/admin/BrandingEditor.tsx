// The brand editor: name, colours, font, contacts and logo, with a live preview that shows the
// contrast of each text/colour pair (the server refuses a primary that white text fails on).
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { user } from '../app/session';
import { applyBranding, branding, themeVars, type Branding } from '../theme/branding';
import { AA_NORMAL, contrastRatio, INK, WHITE } from '../theme/contrast';
import { FormError, SelectField, TextField } from '../ui/Field';
import { isOption } from '../ui/options';
import { Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';

const FONTS = (
  [
    'system-ui',
    'inter',
    'roboto',
    'open-sans',
    'lato',
    'merriweather',
    'source-serif',
  ] as const satisfies readonly Schemas['BrandingRequest']['font'][]
).map((f) => ({ value: f, label: f }));

const fromBranding = (b: Branding) => ({
  portal_name: b.portal_name,
  primary: b.primary,
  secondary: b.secondary,
  accent: b.accent,
  // A font the list lacks previews as system-ui (see fontStack), so that is what a save keeps.
  font: isOption(FONTS, b.font) ? b.font : 'system-ui',
  support_email: b.support_email ?? '',
  support_phone: b.support_phone ?? '',
  terms_url: b.terms_url ?? '',
  privacy_url: b.privacy_url ?? '',
  mail_sender_name: b.mail_sender_name ?? '',
});

export default function BrandingEditor() {
  const current = branding.value;
  if (!current) return <Loading />;
  return <Editor initial={current} />;
}

function Editor({ initial }: { initial: Branding }) {
  const tenantId = user.value!.tenant;
  const form = useForm(fromBranding(initial));
  const [saved, setSaved] = useState<string | null>(null);
  const v = form.values;
  const preview = themeVars(v);

  const submit = form.submit(async (values) => {
    const orNull = (s: string) => s.trim() || null;
    const next = unwrap(
      await api.PUT('/api/v1/tenants/{tenant_id}/branding', {
        params: { path: { tenant_id: tenantId } },
        body: {
          ...values,
          support_email: orNull(values.support_email),
          support_phone: orNull(values.support_phone),
          terms_url: orNull(values.terms_url),
          privacy_url: orNull(values.privacy_url),
          mail_sender_name: orNull(values.mail_sender_name),
        },
      }),
    );
    applyBranding(next);
    setSaved('Saved: everyone sees the new brand on their next page load.');
  });

  const colour = (name: 'primary' | 'secondary' | 'accent', label: string) => (
    <div class="actions" style={{ alignItems: 'flex-end' }}>
      <TextField label={label} name={name} value={v[name]} onValue={(x) => form.set(name, x)} error={form.errors[name]} hint="#rrggbb" />
      <input type="color" aria-label={`${label} picker`} value={v[name]} onInput={(e) => form.set(name, e.currentTarget.value)} />
    </div>
  );

  return (
    <Page title="Branding">
      <div class="ticket-layout">
        <form class="form panel" onSubmit={submit} ref={form.formRef} noValidate>
          <FormError message={form.formError} />
          {saved && (
            <p class="alert alert--ok" role="status">
              {saved}
            </p>
          )}
          <TextField
            label="Portal name"
            name="portal_name"
            value={v.portal_name}
            onValue={(x) => form.set('portal_name', x)}
            error={form.errors.portal_name}
          />
          {colour('primary', 'Primary colour')}
          {colour('secondary', 'Secondary colour (header)')}
          {colour('accent', 'Accent colour')}
          <SelectField
            label="Font"
            name="font"
            value={v.font}
            options={FONTS}
            onValue={(x) => isOption(FONTS, x) && form.set('font', x)}
            error={form.errors.font}
          />
          <TextField
            label="Mail sender name"
            name="mail_sender_name"
            value={v.mail_sender_name}
            onValue={(x) => form.set('mail_sender_name', x)}
            error={form.errors.mail_sender_name}
            hint="The name the portal's mail comes from; empty: the portal name"
          />
          <TextField
            label="Support email"
            name="support_email"
            type="email"
            value={v.support_email}
            onValue={(x) => form.set('support_email', x)}
            error={form.errors.support_email}
          />
          <TextField
            label="Support phone"
            name="support_phone"
            type="tel"
            value={v.support_phone}
            onValue={(x) => form.set('support_phone', x)}
            error={form.errors.support_phone}
          />
          <TextField
            label="Terms URL"
            name="terms_url"
            type="url"
            value={v.terms_url}
            onValue={(x) => form.set('terms_url', x)}
            error={form.errors.terms_url}
          />
          <TextField
            label="Privacy URL"
            name="privacy_url"
            type="url"
            value={v.privacy_url}
            onValue={(x) => form.set('privacy_url', x)}
            error={form.errors.privacy_url}
          />
          <button class="button" type="submit" disabled={form.busy}>
            Save branding
          </button>
          <LogoUpload tenantId={tenantId} />
        </form>
        <aside aria-label="Preview">
          <div class="preview" style={{ fontFamily: preview['--brand-font'] }}>
            <div class="preview__bar" style={{ background: v.secondary, color: preview['--brand-on-secondary'] }}>
              {v.portal_name || 'Portal'}
            </div>
            <div class="preview__body">
              <p
                style={{
                  background: v.primary,
                  color: preview['--brand-on-primary'],
                  padding: '0.75rem',
                  borderRadius: '8px',
                  fontWeight: 700,
                }}
              >
                #2 of 5 in the High queue
              </p>
              <p>
                <a href="#preview" style={{ color: preview['--brand-link'] }} onClick={(e) => e.preventDefault()}>
                  A link
                </a>{' '}
                <span class="badge" style={{ background: v.accent, color: preview['--brand-on-accent'] }}>
                  3 unread
                </span>
              </p>
            </div>
          </div>
          <ul class="list swatch-check" aria-label="Contrast checks">
            <ContrastLine label="White text on primary" fg={WHITE} bg={v.primary} required />
            <ContrastLine label="Header text on secondary" fg={preview['--brand-on-secondary']} bg={v.secondary} />
            <ContrastLine label="Badge text on accent" fg={preview['--brand-on-accent']} bg={v.accent} />
            <ContrastLine label="Links on white" fg={preview['--brand-link']} bg={WHITE} />
          </ul>
        </aside>
      </div>
    </Page>
  );
}

function ContrastLine({ label, fg, bg, required }: { label: string; fg: string; bg: string; required?: boolean }) {
  const ratio = contrastRatio(fg, bg);
  const ok = ratio >= AA_NORMAL;
  const fallback = !ok && !required ? ` (the portal uses ${fg === INK ? 'dark' : 'white'} text instead)` : '';
  return (
    <li>
      {label}: <strong>{ratio.toFixed(2)}:1</strong>{' '}
      {ok ? 'passes AA' : required ? 'fails AA: choose a darker colour' : `fails AA${fallback}`}
    </li>
  );
}

function LogoUpload({ tenantId }: { tenantId: string }) {
  const [status, setStatus] = useState('');
  const upload = async (file: File) => {
    setStatus('Uploading…');
    try {
      const path = { tenant_id: tenantId };
      const started = unwrap(
        await api.POST('/api/v1/tenants/{tenant_id}/branding/logo', {
          params: { path },
          body: { content_type: file.type, size: file.size },
        }),
      );
      const put = await fetch(started.upload.url, {
        method: started.upload.method,
        headers: started.upload.headers as Record<string, string>,
        body: file,
      });
      if (!put.ok) throw new Error(`The upload failed (${put.status}).`);
      applyBranding(
        unwrap(await api.PUT('/api/v1/tenants/{tenant_id}/branding/logo', { params: { path }, body: { upload_id: started.upload_id } })),
      );
      setStatus('Logo updated.');
    } catch (e) {
      setStatus(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div class="field">
      <label for="logo-file">Logo</label>
      <p class="field__hint" id="logo-hint">
        PNG, JPEG or WebP, at most 1 MiB. Also used as the favicon.
      </p>
      <input
        id="logo-file"
        type="file"
        accept="image/png,image/jpeg,image/webp"
        aria-describedby="logo-hint"
        onChange={(e) => e.currentTarget.files?.[0] && upload(e.currentTarget.files[0])}
      />
      <p role="status" class="muted">
        {status}
      </p>
    </div>
  );
}
