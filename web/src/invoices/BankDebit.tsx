// Paying by US bank account (ACH) debit in the pay dialog: the choice between card and bank
// account (offered when the checkout says the invoice may be paid both ways: USD invoices of
// portals that take bank debits), and the local stand-in's bank form, which takes Stripe's test
// bank accounts (one clears, one stays on its way as real debits do for days, one is closed).
// Through Stripe, the Payment Element shows the bank form itself.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api/problem';
import { FormError } from '../ui/Field';
import { payWithLocalCard, type Checkout, type Invoice, type PayMethod } from './api';
import { formatMoney } from './money';
import { PAY_METHODS, providerSentence, TEST_BANK_ACCOUNTS } from './payments';

interface ChoiceProps {
  /** The ways offered (more than one). */
  methods: readonly PayMethod[];
  method: PayMethod;
  /** A checkout for the other way is starting. */
  busy: boolean;
  error: string | null;
  onChoose: (method: PayMethod) => void;
}

/** Card or bank account, as radio buttons (arrow keys move between them). */
export function MethodChoice({ methods, method, busy, error, onChoose }: ChoiceProps) {
  const errorId = useId();
  return (
    <fieldset class="fieldset pay__methods" aria-describedby={error ? errorId : undefined}>
      <legend>Pay with</legend>
      {PAY_METHODS.filter((m) => methods.includes(m.value)).map((m) => (
        <label class="check" key={m.value}>
          <input
            type="radio"
            name="pay_method"
            value={m.value}
            checked={method === m.value}
            // Not `disabled` while the checkout starts again: that would take focus away from it.
            aria-disabled={busy || undefined}
            onClick={(e) => busy && e.preventDefault()}
            onChange={() => !busy && onChoose(m.value)}
          />
          {m.label}
        </label>
      ))}
      <p role="alert" id={errorId} class={error ? 'alert alert--error' : 'visually-hidden'}>
        {error}
      </p>
    </fieldset>
  );
}

interface BankProps {
  tenantId: string;
  invoice: Invoice;
  checkout: Checkout;
  /** `succeeded`, or `processing` for a debit on its way. */
  onPaid: (status: string) => void;
  /** More buttons beside Pay (Cancel). */
  children?: ComponentChildren;
}

/** The local stand-in's bank form: one of Stripe's test bank accounts, debited once for the checkout's amount. */
export function LocalBankForm({ tenantId, invoice, checkout, onPaid, children }: BankProps) {
  const [account, setAccount] = useState('');
  const [accountError, setAccountError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const hintId = useId();
  const errorId = useId();
  const amount = formatMoney(checkout.amount, checkout.currency);

  // After a refusal, back to the accounts (the one chosen, or the first).
  useEffect(() => {
    if (!error && !accountError) return;
    const form = formRef.current;
    (
      form?.querySelector<HTMLInputElement>('[name="bank_account"]:checked') ??
      form?.querySelector<HTMLInputElement>('[name="bank_account"]')
    )?.focus();
  }, [error, accountError]);

  const run = async (value: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await payWithLocalCard(tenantId, invoice.id, checkout.intent_id, value);
      if (answer.status === 'succeeded' || answer.status === 'processing') return onPaid(answer.status);
      setError(`${providerSentence(answer.message, 'The bank debit did not go through.')} Try again, or with another account.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="form"
      ref={formRef}
      aria-label="Pay by bank account"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!account) setAccountError('Choose a bank account.');
        else void run(account);
      }}
    >
      <FormError message={error} />
      <fieldset
        class={accountError ? 'fieldset pay__accounts field--invalid' : 'fieldset pay__accounts'}
        aria-describedby={[hintId, accountError ? errorId : ''].filter(Boolean).join(' ')}
      >
        <legend>Bank account</legend>
        <p class="field__hint" id={hintId}>
          Test payments only: no bank account is debited. Choose how the test account behaves.
        </p>
        {TEST_BANK_ACCOUNTS.map((a) => (
          <label class="check" key={a.value}>
            <input
              type="radio"
              name="bank_account"
              value={a.value}
              checked={account === a.value}
              aria-invalid={accountError ? true : undefined}
              onChange={() => {
                setAccount(a.value);
                setAccountError(undefined);
              }}
            />
            {a.label}
          </label>
        ))}
        {accountError && (
          <p class="field__error" id={errorId}>
            {accountError}
          </p>
        )}
      </fieldset>
      <p class="muted">By paying, you authorize one debit of {amount} from this account. Bank payments take a few days to clear.</p>
      <div class="actions">
        <button class="button" type="submit" disabled={busy}>
          Pay {amount}
        </button>
        {children}
      </div>
    </form>
  );
}
