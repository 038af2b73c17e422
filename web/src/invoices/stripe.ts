// Stripe.js, fetched from Stripe when a payment through Stripe starts, and only then: Stripe
// requires it be loaded from js.stripe.com (never bundled), and no other page needs it. Typed
// with the little the payment form uses.

export const STRIPE_JS = 'https://js.stripe.com/v3';

export interface StripeError {
  type?: string;
  message?: string;
}

export interface StripePaymentElement {
  mount(target: HTMLElement): void;
  destroy(): void;
  on(event: 'ready', handler: () => void): void;
}

export interface StripeElements {
  create(type: 'payment', options?: Record<string, unknown>): StripePaymentElement;
}

export interface ConfirmResult {
  error?: StripeError;
  paymentIntent?: { id: string; status: string };
}

export interface Stripe {
  elements(options: { clientSecret: string; appearance?: Record<string, unknown> }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    redirect: 'if_required';
    confirmParams?: { return_url?: string };
  }): Promise<ConfirmResult>;
}

export type StripeFactory = (publishableKey: string) => Stripe;

declare global {
  interface Window {
    Stripe?: StripeFactory;
  }
}

/** Stripe.js did not arrive (offline, blocked by an extension or a network's filter). */
export class StripeLoadError extends Error {
  constructor() {
    super(
      'Stripe’s secure payment form could not be loaded. Check your connection (a content blocker can stop it too), then try again, or pay as the terms below say.',
    );
  }
}

export interface LoadOptions {
  src?: string;
  /** How long to wait for the script before giving up. */
  timeoutMs?: number;
  /** Puts the script into the page (tests catch it here). */
  append?: (script: HTMLScriptElement) => void;
}

let loading: Promise<StripeFactory> | null = null;

/** `window.Stripe`, loading Stripe.js once; a failed load is forgotten, so trying again loads it anew. */
export function loadStripe({ src = STRIPE_JS, timeoutMs = 20_000, append = (s) => document.head.appendChild(s) }: LoadOptions = {}) {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  if (loading) return loading;
  const attempt = new Promise<StripeFactory>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    const fail = () => {
      clearTimeout(timer);
      script.remove();
      reject(new StripeLoadError());
    };
    const timer = setTimeout(fail, timeoutMs);
    script.addEventListener('load', () => {
      clearTimeout(timer);
      if (window.Stripe) resolve(window.Stripe);
      else fail();
    });
    script.addEventListener('error', fail);
    append(script);
  });
  loading = attempt;
  attempt.catch(() => {
    if (loading === attempt) loading = null;
  });
  return attempt;
}
