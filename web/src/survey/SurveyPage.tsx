// The survey a resolution mail links to (/survey/:token?rating=N), without signing in: the link
// is the credential. The rating in the link is only preselected; mail scanners follow links, so
// nothing is recorded until the person presses Send.
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, type Schemas } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { FormError } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { describeRating, parseRating } from './rating';
import { RatingFields } from './RatingFields';

type Survey = Schemas['SurveyView'];

const OPEN = new Set(['resolved', 'closed']);

async function getSurvey(token: string): Promise<Survey> {
  return unwrap(await api.GET('/api/v1/surveys/{token}', { params: { path: { token } } }));
}

export default function SurveyPage() {
  const { token } = useRoute().params as { token: string };
  const { query } = useLocation();
  const survey = useResource(() => getSurvey(token), [token]);
  const [sent, setSent] = useState<Survey | null>(null);

  if (survey.error instanceof ApiError && survey.error.status === 404) {
    return (
      <SurveyCard title="This link has expired">
        <p>The survey link does not open any more. Survey links work for 30 days after a ticket is resolved.</p>
        <p>
          <a href="/sign-in">Sign in</a> to rate the ticket on its page instead.
        </p>
      </SurveyCard>
    );
  }
  if (survey.error) {
    return (
      <SurveyCard title="Rate your ticket">
        <ErrorNote error={survey.error} />
      </SurveyCard>
    );
  }
  const s = survey.data;
  if (!s) {
    return (
      <SurveyCard title="Rate your ticket">
        <Loading />
      </SurveyCard>
    );
  }
  if (sent?.satisfaction) {
    return (
      <SurveyCard title="Thank you!" survey={s}>
        <p role="status" class="alert alert--ok">
          Your rating of {describeRating(sent.satisfaction.rating)} is recorded.
        </p>
        <p>It helps {s.portal_name} get better.</p>
      </SurveyCard>
    );
  }
  if (s.satisfaction) {
    return (
      <SurveyCard title="Already rated" survey={s}>
        <p>
          This ticket has been rated already: <strong>{describeRating(s.satisfaction.rating)}</strong>.
        </p>
        {s.satisfaction.comment && <blockquote class="muted">{s.satisfaction.comment}</blockquote>}
        <p>Thank you for your feedback.</p>
      </SurveyCard>
    );
  }
  if (!OPEN.has(s.status)) {
    return (
      <SurveyCard title="Not ready to rate yet" survey={s}>
        <p>This ticket is open again, so there is nothing to rate yet. You can rate it once it is resolved.</p>
      </SurveyCard>
    );
  }
  return (
    <SurveyCard title="How did we do?" survey={s}>
      <SurveyForm token={token} preselected={parseRating(query.rating)} onSent={setSent} onStale={survey.reload} />
    </SurveyCard>
  );
}

function SurveyCard({ title, survey, children }: { title: string; survey?: Survey; children: preact.ComponentChildren }) {
  return (
    <div class="auth-card">
      {survey && <p class="auth-brand">{survey.portal_name}</p>}
      <Page title={title}>
        {survey && (
          <p class="survey-ticket">
            <span class="mono">{survey.ticket_number}</span> {survey.subject}
          </p>
        )}
        {children}
      </Page>
    </div>
  );
}

function SurveyForm({
  token,
  preselected,
  onSent,
  onStale,
}: {
  token: string;
  preselected: number | undefined;
  onSent: (s: Survey) => void;
  onStale: () => Promise<void>;
}) {
  const form = useForm<{ rating: number | undefined; comment: string }>({ rating: preselected, comment: '' });
  const submit = form.submit(async ({ rating, comment }) => {
    try {
      const answer = await api.POST('/api/v1/surveys/{token}', {
        params: { path: { token } },
        // No rating picked: the server says so next to the rating.
        body: { rating: rating ?? 0, comment },
      });
      onSent(unwrap(answer));
    } catch (e) {
      // Rated meanwhile (another tab, the ticket page) or reopened: show how it stands now.
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) await onStale();
      throw e;
    }
  });
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      <RatingFields
        legend="How satisfied are you with how this ticket was handled?"
        rating={form.values.rating}
        comment={form.values.comment}
        onRating={(r) => form.set('rating', r)}
        onComment={(c) => form.set('comment', c)}
        errors={form.errors}
      />
      <p class="field__hint">Nothing is recorded until you press Send.</p>
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          {form.busy ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
