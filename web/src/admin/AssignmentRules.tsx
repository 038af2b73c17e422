// Assignment rules (super admin writes, Kre8ivTech staff read): which agents new tickets go to,
// by tenant, organization and category, round robin or to the least loaded, up to a capacity of
// open tickets each. Rules are tried in ascending position; the first that matches and has an
// agent with room assigns the ticket.
import { useId, useRef, useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { CHECKS, staleEdit } from '../api/messages';
import { ApiError, FieldProblem, unwrap } from '../api/problem';
import { role, user } from '../app/session';
import { Empty } from '../ui/Card';
import { EditActions, FormError, SelectField, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm, type FormState } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { CATEGORIES, categoryLabel, isCategory } from '../tickets/labels';
import { isOption, type Option } from '../ui/options';
import { listOrgs, type Org } from '../tickets/orgs';
import { listTenants, type Tenant } from './useTenant';
import './admin.css';

type Rule = Schemas['RuleView'];
type RuleRequest = Schemas['RuleRequest'];
type UserView = Schemas['UserView'];

export const STRATEGIES = [
  { value: 'least_loaded', label: 'Least loaded (fewest open tickets first)' },
  { value: 'round_robin', label: 'Round robin (take turns)' },
] as const satisfies readonly Option<RuleRequest['strategy']>[];

const strategyLabel = (s: string) => (s === 'least_loaded' ? 'Least loaded' : s === 'round_robin' ? 'Round robin' : s);

export interface RuleValues {
  name: string;
  enabled: boolean;
  position: string;
  tenant_id: string;
  org_id: string;
  categories: string[];
  agent_ids: string[];
  strategy: string;
  capacity: string;
}

const WHOLE = /^\s*\d+\s*$/;

/** The request for what was typed; whole numbers are read here (the rest is the server's to judge). */
export function toRequest(v: RuleValues): RuleRequest {
  if (!WHOLE.test(v.position)) throw new FieldProblem('position', CHECKS.position);
  if (!WHOLE.test(v.capacity)) throw new FieldProblem('capacity', CHECKS.capacity);
  // Both come from the lists below (or a rule the server sent): the checks narrow them to its words.
  const categories = v.categories.filter(isCategory);
  if (categories.length !== v.categories.length) throw new FieldProblem('categories', CHECKS.categories);
  if (!isOption(STRATEGIES, v.strategy)) throw new FieldProblem('strategy', CHECKS.strategy);
  return {
    name: v.name,
    enabled: v.enabled,
    position: Number(v.position),
    tenant_id: v.tenant_id || null,
    org_id: v.tenant_id && v.org_id ? v.org_id : null,
    categories,
    agent_ids: v.agent_ids,
    strategy: v.strategy,
    capacity: Number(v.capacity),
  };
}

export function toValues(r: Rule): RuleValues {
  return {
    name: r.name,
    enabled: r.enabled,
    position: String(r.position),
    tenant_id: r.tenant_id ?? '',
    org_id: r.org_id ?? '',
    categories: [...r.categories],
    agent_ids: [...r.agent_ids],
    strategy: r.strategy,
    capacity: String(r.capacity),
  };
}

async function listRules(): Promise<Rule[]> {
  const rules = unwrap(await api.GET('/api/v1/assignment-rules'));
  return [...rules].sort((a, b) => a.position - b.position);
}

async function houseAgents(tenantId: string): Promise<UserView[]> {
  const page = unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/users', { params: { path: { tenant_id: tenantId }, query: { limit: 100 } } }),
  );
  return page.items.filter((u) => (u.role === 'staff' || u.role === 'super_admin') && u.status !== 'disabled');
}

interface Names {
  tenants: Tenant[];
  agents: UserView[];
  orgs: Record<string, Org[]>;
}

export default function AssignmentRules() {
  const canEdit = role.value === 'super_admin';
  const me = user.value!;
  const rules = useResource(listRules, []);
  const agents = useResource(() => houseAgents(me.tenant), [me.tenant]);
  const tenants = useResource(async () => (canEdit ? listTenants() : []), [canEdit]);
  const tenantIds = [...new Set((rules.data ?? []).map((r) => r.tenant_id).filter((t): t is string => Boolean(t)))];
  const orgs = useResource(
    async () => Object.fromEntries(await Promise.all(tenantIds.map(async (t) => [t, await listOrgs(t).catch(() => [])] as const))),
    [tenantIds.join(',')],
  );
  const [said, setSaid] = useState('');
  const names: Names = { tenants: tenants.data ?? [], agents: agents.data ?? [], orgs: orgs.data ?? {} };
  const nextPosition = rules.data?.length ? Math.max(...rules.data.map((r) => r.position)) + 1 : 0;

  return (
    <Page title="Assignment rules">
      <p class="muted">
        New tickets, and waiting tickets nobody has, go to the first enabled rule that matches them (lowest position first) and has an agent
        below its capacity; when every agent named is full, the ticket waits and is assigned as soon as someone has room.
        {canEdit ? '' : ' Only super admins change the rules.'}
      </p>
      <p role="status" class="visually-hidden">
        {said}
      </p>
      {canEdit && rules.data && (
        <NewRule
          key={nextPosition}
          names={names}
          position={nextPosition}
          onCreated={async (r) => {
            await rules.reload();
            setSaid(`Added rule ${r.name}.`);
          }}
        />
      )}
      <section class="panel" aria-labelledby="rules-list">
        <h2 id="rules-list">Rules, in the order they are tried</h2>
        {rules.error ? (
          <ErrorNote error={rules.error} />
        ) : !rules.data ? (
          <Loading />
        ) : !rules.data.length ? (
          <Empty>No assignment rules yet: tickets wait in the queue until someone takes them.</Empty>
        ) : (
          <ol class="list">
            {rules.data.map((r) => (
              <li key={`${r.id}-${r.version}`}>
                <RuleItem rule={r} names={names} canEdit={canEdit} reload={rules.reload} say={setSaid} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </Page>
  );
}

function tenantName(names: Names, id: string | null | undefined): string {
  if (!id) return 'Every tenant';
  if (id === user.value?.tenant) return 'Kre8ivTech';
  return names.tenants.find((t) => t.id === id)?.name ?? `Tenant ${id}`;
}

function RuleSummary({ rule, names }: { rule: Rule; names: Names }) {
  const org = rule.org_id
    ? (names.orgs[rule.tenant_id ?? '']?.find((o) => o.id === rule.org_id)?.name ?? `Organization ${rule.org_id}`)
    : null;
  const agents = rule.agent_ids.map((id) => names.agents.find((a) => a.id === id)?.name ?? 'Someone else');
  return (
    <>
      <h3 class="rule__head">
        <span class="badge">#{rule.position}</span> {rule.name}{' '}
        <span class={rule.enabled ? 'badge badge--billable' : 'badge'}>{rule.enabled ? 'Enabled' : 'Disabled'}</span>
      </h3>
      <p class="rule__meta">
        {tenantName(names, rule.tenant_id)}
        {org ? ` · ${org}` : ''} · {rule.categories.length ? rule.categories.map(categoryLabel).join(', ') : 'Every category'}
      </p>
      <p class="rule__meta">
        {strategyLabel(rule.strategy)} among {agents.length ? agents.join(', ') : 'nobody'} · up to {rule.capacity} open each
      </p>
    </>
  );
}

interface ItemProps {
  rule: Rule;
  names: Names;
  canEdit: boolean;
  reload: () => Promise<void>;
  say: (s: string) => void;
}

function RuleItem({ rule, names, canEdit, reload, say }: ItemProps) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);

  const remove = async () => {
    setError(null);
    try {
      unwrap(await api.DELETE('/api/v1/assignment-rules/{rule_id}', { params: { path: { rule_id: rule.id } } }));
      say(`Deleted rule ${rule.name}.`);
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (editing) {
    return (
      <EditRule
        rule={rule}
        names={names}
        reload={reload}
        onDone={async (saved) => {
          setEditing(false);
          if (saved) {
            say(`Saved rule ${saved.name}.`);
            await reload();
          }
          queueMicrotask(() => editButton.current?.focus());
        }}
      />
    );
  }
  return (
    <article class="rule" aria-label={`Rule ${rule.name}`}>
      <RuleSummary rule={rule} names={names} />
      <FormError message={error} />
      {canEdit && (
        <div class="actions">
          <button type="button" class="button button--small button--secondary" ref={editButton} onClick={() => setEditing(true)}>
            Edit<span class="visually-hidden"> rule {rule.name}</span>
          </button>
          {confirming ? (
            <>
              <button type="button" class="button button--small button--danger" onClick={() => void remove()}>
                Delete rule {rule.name} for good
              </button>
              <button type="button" class="button button--small button--secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" class="button button--small button--secondary" onClick={() => setConfirming(true)}>
              Delete<span class="visually-hidden"> rule {rule.name}</span>
            </button>
          )}
        </div>
      )}
    </article>
  );
}

function NewRule({ names, position, onCreated }: { names: Names; position: number; onCreated: (r: Rule) => Promise<void> }) {
  const form = useForm<RuleValues>({
    name: '',
    enabled: true,
    position: String(position),
    tenant_id: '',
    org_id: '',
    categories: [],
    agent_ids: [],
    strategy: 'least_loaded',
    capacity: '10',
  });
  const submit = form.submit(async (v) => {
    const created = unwrap(await api.POST('/api/v1/assignment-rules', { body: toRequest(v) }));
    await onCreated(created);
  });
  return (
    <section class="panel" aria-labelledby="new-rule">
      <h2 id="new-rule">Add a rule</h2>
      <form class="form" style={{ maxWidth: 'none' }} onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <RuleFields form={form} names={names} />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Add rule
          </button>
        </div>
      </form>
    </section>
  );
}

function EditRule({
  rule,
  names,
  reload,
  onDone,
}: {
  rule: Rule;
  names: Names;
  reload: () => Promise<void>;
  onDone: (saved?: Rule) => Promise<void>;
}) {
  const form = useForm<RuleValues>(toValues(rule));
  const [stale, setStale] = useState(false);
  const submit = form.submit(async (v) => {
    try {
      const saved = unwrap(
        await api.PUT('/api/v1/assignment-rules/{rule_id}', {
          params: { path: { rule_id: rule.id }, header: { 'If-Match': `"${rule.version}"` } },
          body: toRequest(v),
        }),
      );
      await onDone(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        // The form's own words (it knows what was edited); the API's 412 says only that it changed.
        throw new Error(staleEdit('rule'));
      }
      throw e;
    }
  });
  return (
    <form class="form" style={{ maxWidth: 'none' }} onSubmit={submit} ref={form.formRef} noValidate aria-label={`Edit rule ${rule.name}`}>
      <h3>Edit rule {rule.name}</h3>
      <FormError message={form.formError} />
      <RuleFields form={form} names={names} />
      <EditActions save="Save rule" busy={form.busy} stale={stale} onReload={() => void reload()} onCancel={() => void onDone()} />
    </form>
  );
}

function RuleFields({ form, names }: { form: FormState<RuleValues>; names: Names }) {
  const v = form.values;
  const orgs = useResource(async () => (v.tenant_id ? listOrgs(v.tenant_id) : []), [v.tenant_id]);
  const tenantOptions = names.tenants.map((t) => ({ value: t.id, label: t.name }));
  if (v.tenant_id && !tenantOptions.some((o) => o.value === v.tenant_id))
    tenantOptions.push({ value: v.tenant_id, label: tenantName(names, v.tenant_id) });
  const orgOptions = (orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }));
  if (v.org_id && !orgOptions.some((o) => o.value === v.org_id)) orgOptions.push({ value: v.org_id, label: `Organization ${v.org_id}` });

  return (
    <>
      <div class="form form--inline">
        <TextField label="Name" name="name" value={v.name} onValue={(x) => form.set('name', x)} error={form.errors.name} />
        <TextField
          label="Position"
          name="position"
          hint="Lower positions are tried first."
          inputMode="numeric"
          value={v.position}
          onValue={(x) => form.set('position', x)}
          error={form.errors.position}
        />
        <label class="check">
          <input type="checkbox" name="enabled" checked={v.enabled} onChange={(e) => form.set('enabled', e.currentTarget.checked)} />
          Enabled
        </label>
      </div>
      <div class="form form--inline">
        <SelectField
          label="Tenant"
          name="tenant_id"
          value={v.tenant_id}
          placeholder="Every tenant"
          options={tenantOptions}
          onValue={(x) => {
            form.set('tenant_id', x);
            form.set('org_id', '');
          }}
          error={form.errors.tenant_id}
        />
        <SelectField
          label="Organization"
          name="org_id"
          value={v.tenant_id ? v.org_id : ''}
          placeholder={v.tenant_id ? 'Every organization' : 'Pick a tenant first (every organization)'}
          options={v.tenant_id ? orgOptions : []}
          onValue={(x) => form.set('org_id', x)}
          error={form.errors.org_id}
        />
      </div>
      <Choices
        legend="Categories"
        hint="None ticked: every category."
        name="categories"
        options={CATEGORIES.map((c) => ({ value: c.value, label: c.label }))}
        chosen={v.categories}
        onChosen={(x) => form.set('categories', x)}
        error={form.errors.categories}
      />
      <Choices
        legend="Agents"
        hint="Kre8ivTech staff who take the tickets this rule matches."
        name="agent_ids"
        options={names.agents.map((a) => ({ value: a.id, label: a.name }))}
        chosen={v.agent_ids}
        onChosen={(x) => form.set('agent_ids', x)}
        error={form.errors.agent_ids}
      />
      <div class="form form--inline">
        <SelectField
          label="Strategy"
          name="strategy"
          value={v.strategy}
          options={STRATEGIES}
          onValue={(x) => form.set('strategy', x)}
          error={form.errors.strategy}
        />
        <TextField
          label="Capacity"
          name="capacity"
          hint="Open tickets per agent before the rule passes them over."
          inputMode="numeric"
          value={v.capacity}
          onValue={(x) => form.set('capacity', x)}
          error={form.errors.capacity}
        />
      </div>
    </>
  );
}

interface ChoicesProps {
  legend: string;
  hint: string;
  name: string;
  options: { value: string; label: string }[];
  chosen: string[];
  onChosen: (values: string[]) => void;
  error?: string;
}

/** A group of checkboxes with its hint and the server's error for the whole group. */
function Choices({ legend, hint, name, options, chosen, onChosen, error }: ChoicesProps) {
  const id = useId();
  return (
    <fieldset
      class={error ? 'fieldset field--invalid' : 'fieldset'}
      aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
    >
      <legend>{legend}</legend>
      <p class="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      <div class="choices">
        {options.map((o) => (
          <label key={o.value} class="check">
            <input
              type="checkbox"
              name={name}
              value={o.value}
              checked={chosen.includes(o.value)}
              aria-invalid={error ? true : undefined}
              onChange={(e) => onChosen(e.currentTarget.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))}
            />
            {o.label}
          </label>
        ))}
      </div>
      {error && (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
