// Whether mail to one's own address stopped (it bounced, or was reported as spam): when it did, a
// notice saying so and a button that mails a link to confirm the address (the one mail that goes
// to a stopped address); following the link starts mail again. Nothing shows while mail flows.
import { useState } from 'preact/hooks';
import { api, XHR } from '../api/client';
import { errorMessage, unwrap } from '../api/problem';
import { FormError } from '../ui/Field';
import { useResource } from '../ui/useResource';
import { stoppedSentence } from './mailAddress';
import './settings.css';

export function MailAddress() {
  const address = useResource(async () => unwrap(await api.GET('/api/v1/auth/mail-address')), []);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState('');
  const [error, setError] = useState<string | null>(null);
  const a = address.data;
  // Not known (yet, or the question failed): nothing to say here; the rest of the page works.
  if (!a?.stopped) return null;

  const ask = async () => {
    setBusy(true);
    setError(null);
    setSent('');
    try {
      setSent(unwrap(await api.POST('/api/v1/auth/mail-address/confirm', { params: XHR })).message);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel mail-stopped" aria-labelledby="mail-stopped-heading">
      <h2 id="mail-stopped-heading">Mail to you stopped</h2>
      <p class="mail-stopped__what">{stoppedSentence(a.email, a.stopped)}</p>
      <p class="muted">
        The portal sends nothing there until you confirm that the address works: it sends one link to it, and following the link starts your
        mail again.
      </p>
      <p role="status" class={sent ? 'alert alert--ok' : 'visually-hidden'}>
        {sent}
      </p>
      <FormError message={error} />
      <div class="actions">
        <button type="button" class="button" disabled={busy} onClick={() => void ask()}>
          Send a confirmation link
        </button>
      </div>
    </section>
  );
}
