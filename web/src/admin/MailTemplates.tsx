// Mail templates, for those who configure a tenant's branding (super admins, and a partner for
// its own portal): every kind of mail the portal sends, each written from a template (the
// tenant's own, "Customized", or the default) of a subject and a Markdown body with variables.
// Choosing a kind (kept in the URL as `?kind=`) opens its editor: the subject, the body, the
// kind's variables (each inserted where the cursor is) and a preview of the mail exactly as it
// would be sent, with sample values, refreshed as one types; saved under the version read
// (If-Match), or reset to the default. Side by side on a wide screen; on a phone the list or the
// editor, with a link back. Super admins pick the tenant; partners work on their own. This file
// is the screen's shell (the tenant, the list); the editor is in TemplateEditor.tsx.
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/problem';
import NotFound from '../app/NotFound';
import { listTemplates, type MailTemplate } from '../mail/templates';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { groupTemplates, templatesHref } from './mailTemplates';
import { EDITOR_HEADING, OriginBadge, TemplateEditor } from './TemplateEditor';
import { useTenant } from './useTenant';
import './admin.css';

const kindLinkId = (kind: string) => `template-kind-${kind}`;

export default function MailTemplates() {
  const { tenantId, picker } = useTenant();
  const { query } = useLocation();
  const kind = query.kind ?? '';
  // Tagged with the tenant they are of, so a picked tenant never shows another's templates.
  const list = useResource(async () => ({ tenantId, items: await listTemplates(tenantId) }), [tenantId]);
  const items = list.data?.tenantId === tenantId ? list.data.items : undefined;
  const chosen = items?.find((t) => t.kind === kind);
  // Where keyboard focus goes once the screen shows what was chosen: the editor's heading after
  // choosing a kind, the kind's link after going back to the list (the link clicked is gone).
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    const id = focusNext.current;
    const target = id ? document.getElementById(id) : null;
    if (!target) return;
    focusNext.current = null;
    target.focus();
  });

  if (list.error instanceof ApiError && (list.error.status === 404 || list.error.status === 403)) return <NotFound />;
  const replace = (next: MailTemplate) => {
    if (list.data) list.setData({ ...list.data, items: list.data.items.map((t) => (t.kind === next.kind ? next : t)) });
  };

  return (
    <Page title="Mail templates">
      {picker}
      <p class="muted templates__intro">
        Every mail the portal sends is written from a template: a subject and a body in Markdown, with variables filled in for each mail.
        Change one and the preview shows the mail exactly as it will be sent, in your branding.
      </p>
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : !items ? (
        <Loading />
      ) : (
        <div class={kind ? 'templates templates--open' : 'templates'}>
          <nav class="panel templates__list" aria-labelledby="template-kinds-heading">
            <h2 id="template-kinds-heading">Kinds of mail</h2>
            {groupTemplates(items).map((g) => (
              <div key={g.heading} class="templates__group">
                <h3 class="templates__group-heading">{g.heading}</h3>
                <ul class="template-kinds">
                  {g.items.map((t) => (
                    <li key={t.kind}>
                      <a
                        id={kindLinkId(t.kind)}
                        href={templatesHref(t.kind, query.tenant)}
                        aria-current={t.kind === kind ? 'page' : undefined}
                        onClick={() => (focusNext.current = EDITOR_HEADING)}
                      >
                        {t.label}
                      </a>{' '}
                      <OriginBadge customized={t.customized} />
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </nav>
          <div class="templates__view">
            {kind && (
              <a
                class="templates__back"
                href={templatesHref(undefined, query.tenant)}
                onClick={() => (focusNext.current = kindLinkId(kind))}
              >
                ← All mail templates
              </a>
            )}
            {chosen ? (
              <>
                <TemplateEditor
                  key={`${tenantId}/${chosen.kind}`}
                  tenantId={tenantId}
                  kind={chosen.kind}
                  onChanged={replace}
                  onShown={() => {
                    if (focusNext.current !== EDITOR_HEADING) return;
                    focusNext.current = null;
                    document.getElementById(EDITOR_HEADING)?.focus();
                  }}
                />
              </>
            ) : (
              <p class="panel empty templates__hint">
                {kind ? 'There is no such kind of mail. Choose one from the list.' : 'Choose a kind of mail to change its template.'}
              </p>
            )}
          </div>
        </div>
      )}
    </Page>
  );
}
