// A held mail's entry in the Review list: accepted (asking, for an unknown sender, the
// organization they join as a client) or discarded.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, FieldProblem, fieldErrors } from '../api/problem';
import { acceptMail, discardMail } from '../mail/api';
import type { ReceivedMail } from '../mail/api';
import { CheckBadges, OriginalEmail } from '../mail/MailBits';
import { listOrgs } from '../tickets/orgs';
import { ConfirmButton } from '../ui/Confirm';
import { FormError, SelectField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import {
  acceptedSentence,
  actionError,
  discardedSentence,
  mailProblem,
  needsOrganization,
  reasonSentence,
  senderLabel,
  senderName,
  subjectLabel,
} from './mailIn';
import { Facts, headingId } from './MailItems';

interface ReviewProps {
  tenantId: string;
  mail: ReceivedMail;
  onDone: (mail: ReceivedMail, sentence: string) => void;
  reload: () => Promise<void>;
}

export function ReviewItem({ tenantId, mail: m, onDone, reload }: ReviewProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const acceptButton = useRef<HTMLButtonElement>(null);
  const subject = subjectLabel(m);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(actionError(e, m, 'held'));
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) await reload();
    } finally {
      setBusy(false);
    }
  };

  const accept = () =>
    act(async () => {
      try {
        onDone(m, acceptedSentence(await acceptMail(tenantId, m.id)));
      } catch (e) {
        // The sender turned out to be unknown (say, their account went meanwhile): ask for the organization.
        if (e instanceof ApiError && e.status === 422 && fieldErrors(e.problem).org_id) {
          setAsking(true);
          return;
        }
        throw e;
      }
    });

  return (
    <article class="mail-item" aria-labelledby={headingId(m)}>
      <h3 id={headingId(m)} class="mail-item__subject">
        {subject}
      </h3>
      <Facts
        facts={[
          ['From', senderLabel(m)],
          ['Received', formatDateTime(m.received_at)],
          ['Held because', m.reason ? reasonSentence(m.reason) : 'No reason was recorded.'],
        ]}
      />
      <CheckBadges verdicts={m.verdicts} />
      <FormError message={error} />
      {asking ? (
        <AcceptForm
          tenantId={tenantId}
          mail={m}
          onAccepted={(done, org) => onDone(m, acceptedSentence(done, org))}
          onCancel={() => {
            setAsking(false);
            setTimeout(() => acceptButton.current?.focus());
          }}
          onGone={async (e) => {
            setAsking(false);
            setError(actionError(e, m, 'held'));
            await reload();
          }}
        />
      ) : (
        <div class="actions">
          <button
            type="button"
            class="button"
            ref={acceptButton}
            disabled={busy}
            onClick={() => (needsOrganization(m) ? setAsking(true) : void accept())}
          >
            {needsOrganization(m) ? 'Accept…' : 'Accept'}
            <span class="visually-hidden"> {subject}</span>
          </button>
          <ConfirmButton
            label="Discard…"
            subject={subject}
            confirm="Discard this mail"
            decline="Keep it"
            danger
            disabled={busy}
            note="It leaves the review list and stays in All mail, with its original. Nobody is told."
            onConfirm={() => void act(async () => onDone(m, discardedSentence(await discardMail(tenantId, m.id))))}
          />
          <OriginalEmail tenantId={tenantId} mailId={m.id} of={`of ${subject}`} />
        </div>
      )}
    </article>
  );
}

interface AcceptProps {
  tenantId: string;
  mail: ReceivedMail;
  onAccepted: (mail: ReceivedMail, org: string) => void;
  onCancel: () => void;
  onGone: (e: unknown) => Promise<void>;
}

/** Accepting mail from an unknown sender: the organization they join as a client (invited by mail). */
function AcceptForm({ tenantId, mail: m, onAccepted, onCancel, onGone }: AcceptProps) {
  const orgs = useResource(() => listOrgs(tenantId), [tenantId]);
  const form = useForm({ org_id: '' });
  const who = senderName(m);
  const submit = form.submit(async ({ org_id }) => {
    if (!org_id) throw new FieldProblem('org_id', 'Choose the organization the sender joins as a client.');
    try {
      const done = await acceptMail(tenantId, m.id, org_id);
      onAccepted(done, orgs.data?.find((o) => o.id === org_id)?.name ?? 'the organization chosen');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) {
        await onGone(e);
        return;
      }
      throw mailProblem(e);
    }
  });

  useEffect(() => {
    form.formRef.current?.querySelector<HTMLElement>('select, [role="alert"]')?.focus();
  }, [orgs.data]);

  return (
    <form class="form accept-form" onSubmit={submit} ref={form.formRef} noValidate aria-label={`Accept ${subjectLabel(m)}`}>
      <p class="accept-form__note">
        {who} is not a person of this portal yet. Accepting files the mail as theirs: they join the organization you choose as a client and
        are invited by mail to set a password.
      </p>
      <FormError message={form.formError} />
      {orgs.error ? (
        <ErrorNote error={orgs.error} />
      ) : !orgs.data ? (
        <Loading label="Loading organizations…" />
      ) : !orgs.data.length ? (
        <p class="empty">This portal has no client organizations yet: add one under Organizations first.</p>
      ) : (
        <SelectField
          label="Organization"
          name="org_id"
          value={form.values.org_id}
          placeholder="Choose an organization"
          options={orgs.data.map((o) => ({ value: o.id, label: o.name }))}
          onValue={(v) => form.set('org_id', v)}
          error={form.errors.org_id}
        />
      )}
      <div class="actions">
        <button type="submit" class="button" disabled={form.busy || !orgs.data?.length}>
          Accept and invite
        </button>
        <button type="button" class="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
