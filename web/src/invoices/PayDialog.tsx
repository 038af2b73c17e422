// Paying an invoice online (who is billed): the checkout asks by default what is due now (the
// balance, less the early-payment discount while it holds), or part of the balance; then the
// card is taken by the portal's provider: Stripe's Payment Element (Stripe.js loaded for it,
// in its own chunk), or the local stand-in's card form of a portal without a Stripe account
// (Stripe's test cards, and 3-D Secure answered with Approve or Fail). Ticking "Keep this card"
// starts the checkout again asking the provider to keep the card for automatic payments of
// recurring invoices. When the invoice may also be paid by US bank account (ACH) debit, the payer
// chooses card or bank account; a bank account starts a checkout of its own (BankDebit.tsx).
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { FormError, TextField } from '../ui/Field';
import { Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { formatDay } from '../tickets/duration';
import { payWithLocalCard, startCheckout, type Checkout, type Invoice, type PayMethod } from './api';
import { LocalBankForm, MethodChoice } from './BankDebit';
import { Dialog } from './Dialogs';
import { formatMoney, formatPercent } from './money';
import { checkoutRefusal, discountTaken, offeredMethods, PAYMENT_STILL_CLEARING, providerSentence } from './payments';

interface Props {
  tenantId: string;
  invoice: Invoice;
  onClose: () => void;
  /** The provider took `amount`; `status` is its PaymentIntent's (`processing` for a bank debit on its way). */
  onPaid: (amount: string, status: string) => void;
}

export function PayDialog({ tenantId, invoice, onClose, onPaid }: Props) {
  const [checkout, setCheckout] = useState<Checkout | null>(null);
  /** What is due now (the first checkout's amount, asked without one). */
  const [dueNow, setDueNow] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [changing, setChanging] = useState(false);
  const [saveCard, setSaveCard] = useState(false);
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<string | null>(null);
  /** The way being switched to while its checkout starts (the radio shows it at once). */
  const [choosing, setChoosing] = useState<PayMethod | null>(null);
  const [methodError, setMethodError] = useState<string | null>(null);
  /** Whether the card form takes focus when it appears (not when the box beside it was just ticked). */
  const [focusCard, setFocusCard] = useState(true);
  const saveHintId = useId();

  useEffect(() => {
    let gone = false;
    startCheckout(tenantId, invoice.id)
      .then((c) => {
        if (gone) return;
        setCheckout(c);
        setDueNow(c.amount);
      })
      .catch((e: unknown) => {
        if (!gone) setFailed(checkoutRefusal(e));
      });
    return () => {
      gone = true;
    };
  }, [tenantId, invoice.id]);

  const cancel = (
    <button type="button" class="button button--secondary" onClick={onClose}>
      Cancel
    </button>
  );
  const title = `Pay ${invoice.number ?? 'this invoice'}`;

  if (failed || !checkout) {
    return (
      <Dialog title={title} onClose={onClose}>
        {failed ? (
          <>
            {failed === PAYMENT_STILL_CLEARING ? (
              // Not an error: the payment is made, and the bank is still clearing it.
              <p class="alert alert--info" role="status">
                {failed}
              </p>
            ) : (
              <p class="alert alert--error" role="alert">
                {failed}
              </p>
            )}
            <div class="actions">
              <button type="button" class="button button--secondary" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        ) : (
          <Loading label="Preparing the payment…" />
        )}
      </Dialog>
    );
  }

  const paid = (status: string) => onPaid(checkout.amount, status);
  const method: PayMethod = checkout.method === 'ach' ? 'ach' : 'card';
  const methods = offeredMethods(checkout.methods);
  /** The `method` a checkout asks for: only a bank account is named (a card is the default). */
  const asked = (m: PayMethod) => (m === 'ach' ? m : undefined);
  // The same amount again (what is due now asked as such, so the discount is still worked out by the server).
  const sameAmount = () => (checkout.amount === dueNow ? undefined : checkout.amount);
  const choose = async (next: PayMethod) => {
    if (switching || next === method) return;
    setChoosing(next);
    setSwitching(true);
    setMethodError(null);
    try {
      // Only a card is kept for automatic payments.
      const started = await startCheckout(tenantId, invoice.id, sameAmount(), next === 'card' && saveCard, asked(next));
      setFocusCard(false);
      setCheckout(started);
    } catch (e) {
      setMethodError(checkoutRefusal(e, next));
    } finally {
      setChoosing(null);
      setSwitching(false);
    }
  };
  const keepCard = async (keep: boolean) => {
    if (switching) return;
    setSaveCard(keep);
    setSwitching(true);
    setSwitchError(null);
    try {
      const next = await startCheckout(tenantId, invoice.id, sameAmount(), keep);
      setFocusCard(false);
      setCheckout(next);
    } catch (e) {
      setSaveCard(!keep);
      setSwitchError(errorMessage(e));
    } finally {
      setSwitching(false);
    }
  };
  const takesCards = (checkout.provider === 'local' || checkout.provider === 'stripe') && method === 'card';
  return (
    <Dialog title={title} onClose={onClose}>
      <div class="pay">
        <AmountSummary invoice={invoice} checkout={checkout} dueNow={dueNow} />
        {changing ? (
          <AmountForm
            tenantId={tenantId}
            invoice={invoice}
            current={checkout.amount}
            dueNow={dueNow}
            saveCard={saveCard && method === 'card'}
            method={asked(method)}
            onPicked={(c) => {
              setFocusCard(true);
              setCheckout(c);
              setChanging(false);
            }}
            onCancel={() => setChanging(false)}
          />
        ) : (
          <>
            <p>
              <button type="button" class="link-button" onClick={() => setChanging(true)}>
                Pay a different amount
              </button>
            </p>
            {methods.length > 1 && (
              <MethodChoice
                methods={methods}
                method={choosing ?? method}
                busy={switching}
                error={methodError}
                onChoose={(m) => void choose(m)}
              />
            )}
            {takesCards && (
              <div class="pay__keep">
                <label class="check">
                  <input
                    type="checkbox"
                    name="save_card"
                    checked={saveCard}
                    // Not `disabled` while the checkout starts again: that would take focus away from it.
                    aria-disabled={switching || undefined}
                    aria-describedby={saveHintId}
                    onClick={(e) => switching && e.preventDefault()}
                    onChange={(e) => void keepCard(e.currentTarget.checked)}
                  />
                  Keep this card for automatic payments
                </label>
                <p class="field__hint" id={saveHintId}>
                  Recurring invoices set to be charged automatically are then paid with it.
                </p>
                <p role="alert" class={switchError ? 'alert alert--error' : 'visually-hidden'}>
                  {switchError}
                </p>
              </div>
            )}
            {checkout.provider === 'local' && method === 'ach' ? (
              <LocalBankForm key={checkout.intent_id} tenantId={tenantId} invoice={invoice} checkout={checkout} onPaid={paid}>
                {cancel}
              </LocalBankForm>
            ) : checkout.provider === 'local' ? (
              <LocalCardForm
                key={checkout.intent_id}
                tenantId={tenantId}
                invoice={invoice}
                checkout={checkout}
                focusCard={focusCard}
                onPaid={paid}
              >
                {cancel}
              </LocalCardForm>
            ) : checkout.provider === 'stripe' ? (
              <>
                <StripeLoader key={checkout.intent_id} checkout={checkout} onConfirmed={paid} />
                <div class="actions">{cancel}</div>
              </>
            ) : (
              <>
                <p class="alert alert--error" role="alert">
                  This portal’s payment provider cannot take payments here. Pay as the terms on the invoice say.
                </p>
                <div class="actions">{cancel}</div>
              </>
            )}
          </>
        )}
      </div>
    </Dialog>
  );
}

function AmountSummary({ invoice, checkout, dueNow }: { invoice: Invoice; checkout: Checkout; dueNow: string | null }) {
  const money = (a: string) => formatMoney(a, invoice.currency);
  const whole = checkout.amount === dueNow;
  const discount = whole ? discountTaken(invoice, checkout.amount) : null;
  return (
    <div class="pay__amount">
      <p class="pay__figure">
        {whole ? 'Due now' : 'Paying now'}: <strong>{money(checkout.amount)}</strong>
      </p>
      {discount && invoice.early_discount ? (
        <p class="invoice-early">
          The balance of {money(invoice.balance)} less the early-payment discount of {money(discount)} (
          {formatPercent(invoice.early_discount.percent)}), for paying by {formatDay(invoice.early_discount.deadline)}.
        </p>
      ) : (
        <p class="muted">{whole ? 'The whole balance.' : `Part of the balance of ${money(invoice.balance)}.`}</p>
      )}
    </div>
  );
}

interface AmountProps {
  tenantId: string;
  invoice: Invoice;
  current: string;
  dueNow: string | null;
  saveCard: boolean;
  /** `ach` when paying by bank account. */
  method?: PayMethod;
  onPicked: (c: Checkout) => void;
  onCancel: () => void;
}

function AmountForm({ tenantId, invoice, current, dueNow, saveCard, method, onPicked, onCancel }: AmountProps) {
  const form = useForm({ amount: current });
  const money = (a: string) => formatMoney(a, invoice.currency);
  const discount = dueNow ? discountTaken(invoice, dueNow) : null;
  useEffect(() => {
    form.formRef.current?.querySelector<HTMLInputElement>('[name="amount"]')?.focus();
  }, []);
  const submit = form.submit(async ({ amount }) => onPicked(await startCheckout(tenantId, invoice.id, amount.trim(), saveCard, method)));
  const everything = form.submit(async () => onPicked(await startCheckout(tenantId, invoice.id, undefined, saveCard, method)));
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} aria-label="Amount to pay" noValidate>
      <FormError message={form.formError} />
      <TextField
        label={`Amount to pay (${invoice.currency})`}
        name="amount"
        inputMode="decimal"
        autoComplete="off"
        hint={`Up to the balance of ${money(invoice.balance)}.${
          discount && dueNow ? ` The early-payment discount applies only when you pay ${money(dueNow)}, all that is due.` : ''
        }`}
        value={form.values.amount}
        onValue={(x) => form.set('amount', x)}
        error={form.errors.amount}
      />
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          Use this amount
        </button>
        {dueNow && current !== dueNow && (
          <button type="button" class="button button--secondary" disabled={form.busy} onClick={() => void everything()}>
            Pay all that is due ({money(dueNow)})
          </button>
        )}
        <button type="button" class="button button--secondary" onClick={onCancel}>
          Keep {money(current)}
        </button>
      </div>
    </form>
  );
}

/** Stripe's test cards the local stand-in takes, for its form's help text. */
export const TEST_CARDS = { pays: '4242 4242 4242 4242', declined: '4000 0000 0000 0002', secure: '4000 0027 6000 3184' } as const;

interface CardProps {
  tenantId: string;
  invoice: Invoice;
  checkout: Checkout;
  onPaid: (status: string) => void;
  /** Focus the card number when the form appears. */
  focusCard: boolean;
  /** More buttons beside Pay (Cancel). */
  children?: ComponentChildren;
}

function LocalCardForm({ tenantId, invoice, checkout, onPaid, focusCard, children }: CardProps) {
  const [card, setCard] = useState('');
  const [cardError, setCardError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [challenge, setChallenge] = useState(false);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const challengeRef = useRef<HTMLElement>(null);
  const challengeId = useId();
  const amount = formatMoney(checkout.amount, checkout.currency);

  const shown = useRef(false);

  // Focus follows the step: the card number (again, after a refusal), or the bank's question.
  useEffect(() => {
    const first = !shown.current;
    shown.current = true;
    if (challenge) challengeRef.current?.focus();
    else if (!first || focusCard) formRef.current?.querySelector<HTMLInputElement>('[name="card"]')?.focus();
  }, [challenge, error, cardError]);

  const run = async (value: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setCardError(undefined);
    try {
      const answer = await payWithLocalCard(tenantId, invoice.id, checkout.intent_id, value);
      if (answer.status === 'succeeded') return onPaid(answer.status);
      if (answer.status === 'requires_action') return setChallenge(true);
      setChallenge(false);
      setError(`${providerSentence(answer.message, 'The payment did not go through.')} Try again, or with another card.`);
    } catch (e) {
      const byField = fieldErrors(e instanceof ApiError ? e.problem : undefined);
      setChallenge(false);
      if (byField.card) setCardError(byField.card);
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (challenge) {
    return (
      <section class="pay-3ds" aria-labelledby={challengeId} tabIndex={-1} ref={challengeRef}>
        <h3 id={challengeId}>Confirm with your bank (3-D Secure)</h3>
        <p>
          Your bank asks you to confirm this payment of {amount}. This portal takes test payments, so you answer for the bank: approve to
          pay, or fail to see a refused check.
        </p>
        <div class="actions">
          <button type="button" class="button" disabled={busy} onClick={() => void run('3ds:approve')}>
            Approve
          </button>
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => void run('3ds:fail')}>
            Fail
          </button>
        </div>
      </section>
    );
  }
  return (
    <form
      class="form"
      ref={formRef}
      aria-label="Pay by card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!card.trim()) setCardError('Enter a card number.');
        else void run(card.trim());
      }}
    >
      <FormError message={error} />
      <TextField
        label="Card number"
        name="card"
        inputMode="numeric"
        autoComplete="off"
        maxLength={32}
        hint={`Test payments only: no card is charged. ${TEST_CARDS.pays} pays, ${TEST_CARDS.declined} is declined, and ${TEST_CARDS.secure} asks for 3-D Secure.`}
        value={card}
        onValue={(x) => {
          setCard(x);
          setCardError(undefined);
        }}
        error={cardError}
      />
      <div class="actions">
        <button class="button" type="submit" disabled={busy}>
          Pay {amount}
        </button>
        {children}
      </div>
    </form>
  );
}

interface StripeProps {
  checkout: Checkout;
  onConfirmed: (status: string) => void;
}

/** StripePayment, in its own chunk: fetched only when this portal pays through Stripe. */
function StripeLoader(props: StripeProps) {
  const [Form, setForm] = useState<ComponentType<StripeProps> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    import('./StripePayment')
      .then((m) => {
        if (!gone) setForm(() => m.default);
      })
      .catch(() => {
        if (!gone) setFailed(true);
      });
    return () => {
      gone = true;
    };
  }, []);
  if (failed) {
    return (
      <p class="alert alert--error" role="alert">
        The payment form could not be loaded. Check your connection, then close this and try again.
      </p>
    );
  }
  if (!Form) return <Loading label="Loading the payment form…" />;
  return <Form {...props} />;
}
