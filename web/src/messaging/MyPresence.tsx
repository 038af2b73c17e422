// Setting one's own presence by hand: automatic (from open pages and activity), away, do not
// disturb, or appearing offline; what others see is said next to it.
import { useState } from 'preact/hooks';
import { errorMessage } from '../api/problem';
import { useResource } from '../ui/useResource';
import { CHOICES, choosePresence, myPresence, STATUS_LABEL, type Choice } from './presence';

export function MyPresence() {
  const mine = useResource(myPresence, []);
  const [problem, setProblem] = useState<string | null>(null);
  if (!mine.data) return null;
  const change = async (status: Choice) => {
    setProblem(null);
    try {
      mine.setData(await choosePresence(status));
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  return (
    <div class="chat__my-presence">
      <label>
        My status{' '}
        <select value={mine.data.choice} onChange={(e) => void change(e.currentTarget.value as Choice)}>
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <span class="muted" role="status">
        Others see: {STATUS_LABEL[mine.data.status]}
      </span>
      {problem && (
        <span class="field__error" role="alert">
          {' '}
          {problem}
        </span>
      )}
    </div>
  );
}
