// Announcements for their authors (super admins for any tenant, partners for their own): the
// tenant's announcements with their state and read counts, and the editor: text, look, how they
// show, who they are for and when.
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { role } from '../app/session';
import { useTenant } from '../admin/useTenant';
import { listOrgs } from '../tickets/orgs';
import { ROLE_OPTIONS } from '../tickets/roles';
import { FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { formatDateTime, fromLocalInput, toLocalInput } from './format';
import { severityLabel, type Announcement } from './live';
import './announcements.css';

type Request = Schemas['AnnouncementRequest'];
type Display = Request['display'][number];
type RoleName = NonNullable<Request['roles']>[number];

const DISPLAYS: { value: Display; label: string }[] = [
  { value: 'banner', label: 'Banner across the top of every page' },
  { value: 'modal', label: 'Dialog at the next page load' },
  { value: 'notification', label: 'In-app notification' },
  { value: 'email', label: 'Email' },
];

const STATE_LABEL: Record<Announcement['state'], string> = { scheduled: 'Scheduled', live: 'Live', ended: 'Ended' };

interface Values {
  title: string;
  body: string;
  severity: string;
  display: Display[];
  audience: string;
  org_id: string;
  roles: RoleName[];
  starts_at: string;
  ends_at: string;
}

const blank: Values = {
  title: '',
  body: '',
  severity: 'info',
  display: ['banner'],
  audience: 'tenant',
  org_id: '',
  roles: [],
  starts_at: '',
  ends_at: '',
};

const valuesOf = (a: Announcement): Values => ({
  title: a.title,
  body: a.body,
  severity: a.severity,
  display: a.display,
  audience: a.audience,
  org_id: a.org_id ?? '',
  roles: a.roles,
  starts_at: toLocalInput(a.starts_at),
  ends_at: toLocalInput(a.ends_at),
});

const toRequest = (v: Values): Request => ({
  title: v.title,
  body: v.body,
  severity: v.severity as Request['severity'],
  display: v.display,
  audience: v.audience as Request['audience'],
  org_id: v.audience === 'organization' ? v.org_id || undefined : undefined,
  roles: v.roles,
  starts_at: fromLocalInput(v.starts_at),
  ends_at: fromLocalInput(v.ends_at),
});

async function listAll(tenantId: string): Promise<Announcement[]> {
  const path = { tenant_id: tenantId };
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/announcements', { params: { path, query: { limit: 100 } } })).items;
}

export default function AnnouncementsAdmin() {
  const { tenantId, picker } = useTenant();
  const list = useResource(() => listAll(tenantId), [tenantId]);
  const [editing, setEditing] = useState<Announcement | 'new' | null>(null);

  return (
    <Page
      title="Announcements"
      actions={
        editing === null && (
          <button type="button" class="button button--primary" onClick={() => setEditing('new')}>
            New announcement
          </button>
        )
      }
    >
      {picker}
      {editing !== null ? (
        <Editor
          key={editing === 'new' ? 'new' : editing.id}
          tenantId={tenantId}
          current={editing === 'new' ? null : editing}
          done={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      ) : list.error ? (
        <ErrorNote error={list.error} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p class="panel">No announcements yet. Write one to show a banner, a dialog, a notification or an email to your people.</p>
      ) : (
        <ul class="announcement-list" aria-label="Announcements">
          {list.data.map((a) => (
            <li key={a.id} class="panel announcement-list__item">
              <div>
                <h2>{a.title}</h2>
                <p class="muted">
                  {STATE_LABEL[a.state]} · {severityLabel(a.severity)} · {audienceLabel(a)} · from {formatDateTime(a.starts_at)}
                  {a.ends_at ? ` until ${formatDateTime(a.ends_at)}` : ''}
                </p>
                <p class="announcement-list__counts">
                  {a.reads ?? 0} read
                  {a.display.some((d) => d === 'notification' || d === 'email') ? ` · ${a.reached ?? 0} sent` : ''}
                </p>
              </div>
              <div>
                <button type="button" class="button" onClick={() => setEditing(a)}>
                  Edit<span class="visually-hidden"> “{a.title}”</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

const audienceLabel = (a: Announcement) => {
  const who = a.audience === 'everyone' ? 'Everyone' : a.audience === 'tenant' ? 'This portal' : 'One organization';
  const roles = a.roles.map((r) => ROLE_OPTIONS.find((o) => o.value === r)?.label ?? r).join(', ');
  return roles ? `${who} (${roles})` : who;
};

function Editor({ tenantId, current, done }: { tenantId: string; current: Announcement | null; done: () => void }) {
  const orgs = useResource(() => listOrgs(tenantId), [tenantId]);
  const form = useForm<Values>(current ? valuesOf(current) : blank);
  const [confirming, setConfirming] = useState(false);
  const v = form.values;
  const path = { tenant_id: tenantId };
  const started = current !== null && current.state !== 'scheduled';

  const save = form.submit(async (values) => {
    const body = toRequest(values);
    if (current) {
      const got = await api.GET('/api/v1/tenants/{tenant_id}/announcements/{announcement_id}', {
        params: { path: { ...path, announcement_id: current.id } },
      });
      const etag = got.response.headers.get('ETag') ?? undefined;
      unwrap(
        await api.PUT('/api/v1/tenants/{tenant_id}/announcements/{announcement_id}', {
          params: { path: { ...path, announcement_id: current.id }, header: { 'If-Match': etag } },
          body: { ...body, starts_at: started ? undefined : body.starts_at },
        }),
      );
    } else {
      unwrap(await api.POST('/api/v1/tenants/{tenant_id}/announcements', { params: { path }, body }));
    }
    done();
  });

  const remove = async () => {
    if (!current) return;
    unwrap(
      await api.DELETE('/api/v1/tenants/{tenant_id}/announcements/{announcement_id}', {
        params: { path: { ...path, announcement_id: current.id } },
      }),
    );
    done();
  };

  const toggle = <T extends string>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  return (
    <form class="panel form announcement-editor" ref={form.formRef} onSubmit={save} noValidate>
      <h2>{current ? 'Edit announcement' : 'New announcement'}</h2>
      <FormError message={form.formError} />
      {started && <p class="muted">It has started: who it is for, how it shows and its start stay as they are.</p>}
      <TextField
        label="Title"
        name="title"
        value={v.title}
        maxLength={120}
        required
        onValue={(x) => form.set('title', x)}
        error={form.errors.title}
      />
      <TextArea
        label="Message"
        name="body"
        hint="Markdown: **bold**, lists and links."
        value={v.body}
        rows={5}
        onValue={(x) => form.set('body', x)}
        error={form.errors.body}
      />
      <SelectField
        label="Look"
        name="severity"
        value={v.severity}
        options={[
          { value: 'info', label: 'Notice' },
          { value: 'warning', label: 'Warning' },
          { value: 'critical', label: 'Important' },
        ]}
        onValue={(x) => form.set('severity', x)}
        error={form.errors.severity}
      />
      <fieldset disabled={started} aria-describedby={form.errors.display ? 'display-error' : undefined}>
        <legend>How it shows</legend>
        <div class="announcement-editor__choices">
          {DISPLAYS.map((d) => (
            <label key={d.value}>
              <input
                type="checkbox"
                name="display"
                value={d.value}
                checked={v.display.includes(d.value)}
                onChange={(e) => form.set('display', toggle(v.display, d.value, e.currentTarget.checked))}
              />{' '}
              {d.label}
            </label>
          ))}
        </div>
        {form.errors.display && (
          <p class="field__error" id="display-error">
            {form.errors.display}
          </p>
        )}
      </fieldset>
      <fieldset disabled={started}>
        <legend>Who it is for</legend>
        <div class="announcement-editor__choices">
          {role.value === 'super_admin' && (
            <label>
              <input
                type="radio"
                name="audience"
                value="everyone"
                checked={v.audience === 'everyone'}
                onChange={() => form.set('audience', 'everyone')}
              />{' '}
              Everyone on the platform
            </label>
          )}
          <label>
            <input
              type="radio"
              name="audience"
              value="tenant"
              checked={v.audience === 'tenant'}
              onChange={() => form.set('audience', 'tenant')}
            />{' '}
            Everyone of this portal
          </label>
          <label>
            <input
              type="radio"
              name="audience"
              value="organization"
              checked={v.audience === 'organization'}
              onChange={() => form.set('audience', 'organization')}
            />{' '}
            One client organization
          </label>
        </div>
        {form.errors.scope && <p class="field__error">{form.errors.scope}</p>}
        {v.audience === 'organization' && (
          <SelectField
            label="Organization"
            name="org_id"
            value={v.org_id}
            placeholder="Choose an organization"
            options={(orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }))}
            onValue={(x) => form.set('org_id', x)}
            error={form.errors.org_id}
          />
        )}
        <p class="field__hint">Only these roles (none ticked: every role; an organization's clients):</p>
        <div class="announcement-editor__choices">
          {ROLE_OPTIONS.map((r) => (
            <label key={r.value}>
              <input
                type="checkbox"
                name="roles"
                value={r.value}
                checked={v.roles.includes(r.value)}
                onChange={(e) => form.set('roles', toggle(v.roles, r.value, e.currentTarget.checked))}
              />{' '}
              {r.label}
            </label>
          ))}
        </div>
      </fieldset>
      <TextField
        label="Starts"
        name="starts_at"
        type="datetime-local"
        hint="Empty: now."
        value={v.starts_at}
        disabled={started}
        onValue={(x) => form.set('starts_at', x)}
        error={form.errors.starts_at}
      />
      <TextField
        label="Ends"
        name="ends_at"
        type="datetime-local"
        hint="Empty: until removed."
        value={v.ends_at}
        onValue={(x) => form.set('ends_at', x)}
        error={form.errors.ends_at}
      />
      <div class="actions">
        <button type="submit" class="button button--primary" disabled={form.busy}>
          {current ? 'Save' : 'Publish'}
        </button>
        <button type="button" class="button" onClick={done}>
          Cancel
        </button>
        {current &&
          (confirming ? (
            <>
              <button type="button" class="button button--danger" onClick={() => void remove()}>
                Remove it for everyone
              </button>
              <button type="button" class="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" class="button" onClick={() => setConfirming(true)}>
              Remove
            </button>
          ))}
      </div>
    </form>
  );
}
