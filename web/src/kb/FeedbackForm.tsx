// "Was this helpful?": a yes or a no counts at once (one answer per person: a new one replaces
// it); a comment may follow, sent with the same answer.
import { useState } from 'preact/hooks';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { TextArea } from '../ui/Field';
import { giveFeedback } from './api';
import { kbProblem } from './problems';

export function FeedbackForm({ tenantId, articleId }: { tenantId: string; articleId: string }) {
  const [helpful, setHelpful] = useState<boolean | null>(null);
  const [comment, setComment] = useState('');
  const [said, setSaid] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [commentError, setCommentError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const send = async (answer: boolean, withComment: string) => {
    setBusy(true);
    setProblem(null);
    setCommentError(undefined);
    try {
      await giveFeedback(tenantId, articleId, answer, withComment);
      setHelpful(answer);
      setSaid(withComment.trim() ? 'Thank you: your comment was sent.' : 'Thank you for your answer.');
    } catch (failure) {
      const e = kbProblem(failure);
      const atComment = e instanceof ApiError ? fieldErrors(e.problem).comment : undefined;
      if (atComment) setCommentError(atComment);
      else setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel kb-feedback" aria-labelledby="kb-helpful">
      <h2 id="kb-helpful">Was this helpful?</h2>
      <div class="actions">
        {[true, false].map((answer) => (
          <button
            key={String(answer)}
            type="button"
            class="button button--secondary"
            aria-pressed={helpful === answer}
            disabled={busy}
            onClick={() => void send(answer, '')}
          >
            {answer ? 'Yes' : 'No'}
          </button>
        ))}
      </div>
      <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
        {said}
      </p>
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      {helpful !== null && (
        <form
          class="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void send(helpful, comment);
          }}
        >
          <TextArea
            label={helpful ? 'What helped? (optional)' : 'What was missing? (optional)'}
            name="comment"
            rows={3}
            value={comment}
            onValue={setComment}
            error={commentError}
            maxLength={2000}
          />
          <div class="actions">
            <button type="submit" class="button" disabled={busy || !comment.trim()}>
              Send comment
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
