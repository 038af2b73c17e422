// Only the failures: Stripe.js itself is never fetched in the unit tests (there is no network).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadStripe, STRIPE_JS, StripeLoadError } from './stripe';

afterEach(() => {
  vi.useRealTimers();
  delete window.Stripe;
});

describe('loadStripe', () => {
  it('reports a script that fails to load, and loads anew when asked again', async () => {
    const scripts: HTMLScriptElement[] = [];
    const append = (s: HTMLScriptElement) => {
      scripts.push(s);
      setTimeout(() => s.dispatchEvent(new Event('error')), 0);
    };
    const first = loadStripe({ append });
    // A second caller meanwhile waits for the same script.
    expect(loadStripe({ append })).toBe(first);
    await expect(first).rejects.toBeInstanceOf(StripeLoadError);
    await expect(first).rejects.toThrow(/could not be loaded/);
    expect(scripts).toHaveLength(1);
    expect(scripts[0].src).toBe(STRIPE_JS);

    await expect(loadStripe({ append })).rejects.toBeInstanceOf(StripeLoadError);
    expect(scripts).toHaveLength(2);
  });

  it('gives up on a script that never answers', async () => {
    vi.useFakeTimers();
    const loading = loadStripe({ append: () => undefined, timeoutMs: 1000 });
    const failed = expect(loading).rejects.toBeInstanceOf(StripeLoadError);
    await vi.advanceTimersByTimeAsync(1000);
    await failed;
  });

  it('fails when the script loads without defining Stripe', async () => {
    const loading = loadStripe({ append: (s) => setTimeout(() => s.dispatchEvent(new Event('load')), 0) });
    await expect(loading).rejects.toBeInstanceOf(StripeLoadError);
  });
});
