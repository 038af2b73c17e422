// The requester's rating of a resolved ticket: a 1-5 radio group and an optional comment, once;
// after that, the rating given (which those who work the ticket see too).
import { ApiError } from '../api/problem';
import { user } from '../app/session';
import { FormError } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { useForm } from '../ui/useForm';
import { describeRating } from '../survey/rating';
import { RatingFields } from '../survey/RatingFields';
import type { Ticket } from './api';
import { RATEABLE, rateTicket } from './workflow';

interface Props {
  ticket: Ticket;
  onRated: (t: Ticket) => void;
  reload: () => Promise<void>;
}

export function SatisfactionPanel({ ticket, onRated, reload }: Props) {
  const mine = ticket.requester_id === user.value?.id;
  const s = ticket.satisfaction;
  if (s) {
    return (
      <section class="panel" aria-labelledby="satisfaction-heading">
        <h2 id="satisfaction-heading">{mine ? 'Your rating' : 'Satisfaction'}</h2>
        <p class="rating-given">{describeRating(s.rating)}</p>
        {s.comment && <blockquote class="rating-comment">{s.comment}</blockquote>}
        <p class="muted">
          {mine ? 'Thank you for your feedback. ' : ''}Rated {s.via === 'email' ? 'from the survey mail' : 'in the portal'} on{' '}
          {formatDateTime(s.at)}.
        </p>
      </section>
    );
  }
  if (!mine || !RATEABLE.has(ticket.status) || ticket.merged_into_id) return null;
  return <RateForm ticket={ticket} onRated={onRated} reload={reload} />;
}

function RateForm({ ticket, onRated, reload }: Props) {
  const form = useForm<{ rating: number | undefined; comment: string }>({ rating: undefined, comment: '' });
  const submit = form.submit(async ({ rating, comment }) => {
    try {
      // No rating picked: the server says so next to the rating.
      onRated(await rateTicket(ticket, { rating: rating ?? 0, comment }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) await reload();
      throw e;
    }
  });
  return (
    <section class="panel" aria-labelledby="rate-heading">
      <h2 id="rate-heading">Rate this ticket</h2>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <RatingFields
          legend={`How satisfied are you with how ${ticket.number} was handled?`}
          rating={form.values.rating}
          comment={form.values.comment}
          onRating={(r) => form.set('rating', r)}
          onComment={(c) => form.set('comment', c)}
          errors={form.errors}
        />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            {form.busy ? 'Sending…' : 'Send rating'}
          </button>
        </div>
      </form>
    </section>
  );
}
