// The 1-5 rating as a radio group (arrow keys move within it) with an optional comment; the
// server's field errors sit next to each. Shared by the ticket page and the survey link page.
import { useId } from 'preact/hooks';
import { TextArea } from '../ui/Field';
import { RATINGS } from './rating';
import './rating.css';

interface Props {
  legend: string;
  rating: number | undefined;
  comment: string;
  onRating: (rating: number) => void;
  onComment: (comment: string) => void;
  errors: Record<string, string>;
}

export function RatingFields({ legend, rating, comment, onRating, onComment, errors }: Props) {
  const id = useId();
  const errorId = errors.rating ? `${id}-error` : undefined;
  return (
    <>
      <fieldset class={errors.rating ? 'rating fieldset field--invalid' : 'rating fieldset'} aria-describedby={errorId}>
        <legend>{legend}</legend>
        <div class="rating__options">
          {RATINGS.map((r) => (
            <label key={r.value} class="rating__option">
              <input
                type="radio"
                name="rating"
                value={String(r.value)}
                checked={rating === r.value}
                aria-invalid={errors.rating ? true : undefined}
                onChange={() => onRating(r.value)}
              />
              <span class="rating__number">{r.value}</span> <span class="rating__label">{r.label}</span>
            </label>
          ))}
        </div>
        {errors.rating && (
          <p class="field__error" id={errorId}>
            {errors.rating}
          </p>
        )}
      </fieldset>
      <TextArea label="Comment (optional)" name="comment" rows={3} value={comment} onValue={onComment} error={errors.comment} />
    </>
  );
}
