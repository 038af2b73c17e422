// Paying through Stripe: Stripe.js (fetched from Stripe only now) mounts its Payment Element for
// the checkout's PaymentIntent, and confirms it here unless the payment method must leave the
// page (then Stripe comes back to this invoice). The invoice itself changes when Stripe's
// webhook reaches the portal. Its own chunk: loaded only when the portal pays through Stripe.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Loading } from '../ui/Page';
import type { Checkout } from './api';
import { formatMoney } from './money';
import { providerSentence } from './payments';
import { loadStripe, type Stripe, type StripeElements } from './stripe';

interface Props {
  checkout: Checkout;
  /** The payment went through (or is processing, for a bank debit): `status` is the PaymentIntent's. */
  onConfirmed: (status: string) => void;
}

export default function StripePayment({ checkout, onConfirmed }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState<{ stripe: Stripe; elements: StripeElements } | null>(null);
  const [shown, setShown] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let gone = false;
    let unmount: (() => void) | undefined;
    setReady(null);
    setShown(false);
    setLoadError(null);
    loadStripe()
      .then((factory) => {
        if (gone || !host.current) return;
        const stripe = factory(checkout.publishable_key);
        const elements = stripe.elements({ clientSecret: checkout.client_secret });
        const element = elements.create('payment', { layout: 'tabs' });
        element.on('ready', () => setShown(true));
        element.mount(host.current);
        unmount = () => element.destroy();
        setReady({ stripe, elements });
      })
      .catch((e: unknown) => {
        if (!gone) setLoadError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      gone = true;
      unmount?.();
    };
  }, [checkout.client_secret, checkout.publishable_key, attempt]);

  const pay = async (event: Event) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { error: refused, paymentIntent } = await ready.stripe.confirmPayment({
        elements: ready.elements,
        redirect: 'if_required',
        confirmParams: { return_url: location.href.split('?')[0] },
      });
      if (refused) setError(providerSentence(refused.message, 'The payment did not go through. Check the details and try again.'));
      else onConfirmed(paymentIntent?.status ?? 'processing');
    } catch {
      setError('Stripe could not be reached. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <div>
        <p class="alert alert--error" role="alert">
          {loadError}
        </p>
        <button type="button" class="button button--secondary" onClick={() => setAttempt((n) => n + 1)}>
          Try loading it again
        </button>
      </div>
    );
  }
  return (
    <form class="form" onSubmit={pay} aria-label="Pay with Stripe" noValidate>
      <div role="alert" tabIndex={-1} class={error ? 'alert alert--error' : 'visually-hidden'}>
        {error}
      </div>
      {!shown && <Loading label="Loading Stripe’s secure payment form…" />}
      <div ref={host} class="stripe-element" />
      <p class="muted">Your card or bank details go to Stripe directly; the portal never sees them.</p>
      <div class="actions">
        <button class="button" type="submit" disabled={!ready || busy}>
          Pay {formatMoney(checkout.amount, checkout.currency)}
        </button>
      </div>
    </form>
  );
}
