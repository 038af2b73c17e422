// Asking for a service (PRD 4.3): pick the service, say which organization it is for (partners
// and clients of several), give it a title, then answer the service's form (briefs and assets
// are its file answers) or describe it in words when it has none.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { requestKey } from '../api/edits';
import { me, role } from '../app/session';
import { formToFill } from '../forms/api';
import { Filler } from '../forms/FillPage';
import type { FormDocument } from '../forms/types';
import { listOrgs } from '../tickets/orgs';
import { Empty } from '../ui/Card';
import { SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { askForService, listTypes, requestPath, type ServiceType } from './api';
import '../forms/forms.css';
import './service.css';

export default function NewRequest() {
  const session = me.value!;
  const tenant = session.user.tenant;
  const client = role.value === 'client';
  const types = useResource(() => listTypes(), []);
  const orgs = useResource(async () => (client ? session.organizations : listOrgs(tenant)), [tenant]);
  const [chosen, setChosen] = useState<ServiceType | null>(null);

  if (types.error || orgs.error)
    return (
      <Page title="Request a service">
        <ErrorNote error={(types.error ?? orgs.error)!} />
      </Page>
    );
  if (!types.data || !orgs.data)
    return (
      <Page title="Request a service">
        <Loading />
      </Page>
    );
  if (!orgs.data.length)
    return (
      <Page title="Request a service">
        <Empty>Add a client organization first: a service is asked for one.</Empty>
      </Page>
    );
  return (
    <Page title={chosen ? `Request: ${chosen.name}` : 'Request a service'}>
      {chosen ? (
        <Details type={chosen} orgs={orgs.data} onBack={() => setChosen(null)} />
      ) : (
        <fieldset class="fieldset service-types">
          <legend>Which service do you need?</legend>
          <ul class="service-types__list">
            {types.data.map((t) => (
              <li key={t.id}>
                <button type="button" class="service-type" onClick={() => setChosen(t)}>
                  <span class="service-type__name">{t.name}</span>
                  {t.description && <span class="service-type__description">{t.description}</span>}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
    </Page>
  );
}

interface DetailsProps {
  type: ServiceType;
  orgs: { id: string; name: string }[];
  onBack: () => void;
}

function Details({ type, orgs, onBack }: DetailsProps) {
  const { route } = useLocation();
  const tenant = me.value!.user.tenant;
  const [org, setOrg] = useState(orgs[0].id);
  const [title, setTitle] = useState('');
  const [details, setDetails] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(requestKey);
  const form = useResource(async () => (type.form_id ? formToFill(type.form_id) : null), [type.form_id]);

  const checkHead = () => {
    if (!title.trim()) {
      setErrors({ title: 'Give the request a title.' });
      throw new Error('Give the request a title (above the form).');
    }
    setErrors({});
  };
  const sendWith = async (answers: Record<string, unknown> | undefined, k: string) => {
    checkHead();
    try {
      const r = await askForService(tenant, { service_type: type.id, org_id: org, title, details, answers: answers as never }, k);
      route(requestPath(r));
    } catch (e) {
      if (e instanceof ApiError) {
        const byField = fieldErrors(e.problem);
        const head = Object.fromEntries(Object.entries(byField).filter(([f]) => ['title', 'details', 'org_id'].includes(f)));
        if (Object.keys(head).length) setErrors(head);
      }
      throw e;
    }
  };

  const head = (
    <div class="form service-head">
      {orgs.length > 1 && (
        <SelectField
          label="For"
          name="org"
          value={org}
          options={orgs.map((o) => ({ value: o.id, label: o.name }))}
          onValue={setOrg}
          error={errors.org_id}
        />
      )}
      <TextField
        label="Title"
        name="title"
        value={title}
        onValue={setTitle}
        error={errors.title}
        hint="A few words, e.g. “Relaunch of our shop”."
      />
    </div>
  );

  return (
    <>
      <button type="button" class="link-button" onClick={onBack}>
        Choose another service
      </button>
      {type.description && <p class="form-description">{type.description}</p>}
      {head}
      {type.form_id ? (
        form.error ? (
          <ErrorNote error={form.error} />
        ) : !form.data ? (
          <Loading />
        ) : form.data.form.availability !== 'open' || !form.data.document ? (
          <Empty>This service’s form is not open right now.</Empty>
        ) : (
          <Filler
            formId={type.form_id}
            doc={form.data.document as unknown as FormDocument}
            initial={(form.data.draft?.answers as Record<string, never> | undefined) ?? {}}
            initialPage={form.data.draft?.page}
            etag={null}
            send={(answers, k) => sendWith(answers, k)}
            submitLabel="Send request"
          />
        )
      ) : (
        <form
          class="form"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setProblem(null);
            try {
              await sendWith(undefined, key);
            } catch (err) {
              setProblem(errorMessage(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          <TextArea label="What do you need?" name="details" rows={6} value={details} onValue={setDetails} error={errors.details} />
          {problem && (
            <p class="alert alert--error" role="alert">
              {problem}
            </p>
          )}
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy}>
              {busy ? 'Sending…' : 'Send request'}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
