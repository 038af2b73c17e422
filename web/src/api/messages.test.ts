import { describe, expect, it } from 'vitest';
import { fieldMessage, parseRetryAfter, problemMessage, waitPhrase } from './messages';

// What the API answers today (shared/domain, shared/app, shared/http, functions/*), and what a
// person reads instead.
const FIELD_VECTORS: [field: string, api: string, said: string][] = [
  ['category', 'use one of technical_support, billing, general_inquiry, bug_report, feature_request', 'Choose a category.'],
  ['category', 'invalid type: null, expected a string at line 1 column 16', 'Choose a category.'],
  ['priority', 'use one of low, medium, high, critical', 'Choose a priority.'],
  ['subject', 'use 1 to 200 characters on one line', 'Write a subject of at most 200 characters, on one line.'],
  ['subject', 'must be at most 200 characters at line 1 column 238', 'Write a subject of at most 200 characters, on one line.'],
  ['description', 'is required', 'Describe what you need help with.'],
  ['description', 'missing field `description` at line 1 column 15', 'Describe what you need help with.'],
  ['description', 'use at most 50000 characters', 'Shorten the description to at most 50,000 characters.'],
  ['body', 'is required', 'Write a message.'],
  ['org_id', 'name the organization the ticket is for', 'Choose the organization this ticket is for.'],
  ['org_id', 'is not an organization of this portal', 'Choose an organization from the list.'],
  ['email', 'is required', 'Enter an email address.'],
  ['email', 'is not an email address', 'Enter an email address such as name@example.com.'],
  ['email', 'already has an account here', 'Someone with this email address already has an account here.'],
  ['password', 'use at least 12 characters', 'Use at least 12 characters. A few unrelated words make a strong password.'],
  ['password', 'is too easy to guess: Add another word or two.', 'This password is too easy to guess. Add another word or two.'],
  ['password', 'is not your current password', 'That is not your current password.'],
  [
    'code',
    'is not the current code of the authenticator app',
    'That code does not match your authenticator app. Enter the code it shows now.',
  ],
  ['code', 'has expired or was tried too often: ask for a new one', 'This code has expired or was tried too often. Ask for a new one.'],
  ['phone', 'use the international form, like +15551234567', 'Enter the number in international format, such as +15551234567.'],
  ['rating', 'rate from 1 (very dissatisfied) to 5 (very satisfied)', 'Choose a rating from 1 (very dissatisfied) to 5 (very satisfied).'],
  ['comment', 'use at most 2000 characters', 'Shorten the comment to at most 2,000 characters.'],
  ['title', 'use 1 to 120 characters on one line', 'Write a title of at most 120 characters, on one line.'],
  ['shortcut', 'use 1 to 32 letters, digits, - and _', 'Use up to 32 letters, digits, hyphens (-) and underscores (_), without spaces.'],
  ['shortcut', 'another canned response uses it', 'Another canned response already uses this shortcut.'],
  [
    'body',
    '{{nmae}} is not a variable; use name, ticket_number',
    '{{nmae}} is not a variable you can use. Use one of: name, ticket_number.',
  ],
  ['name', 'use 1 to 120 characters', 'Write a name of at most 120 characters.'],
  ['portal_name', 'use 1 to 120 characters', 'Write a portal name of at most 120 characters.'],
  ['minutes', 'log between 1 and 1440 minutes per entry', 'Log between 1 minute and 24 hours per entry.'],
  ['work_date', 'cannot be in the future', 'Choose a date that is not in the future.'],
  ['status', 'a Closed ticket cannot change status', 'A closed ticket cannot change status.'],
  ['status', 'a Resolved ticket can become Open, Closed', 'A resolved ticket can only become Open, Closed.'],
  ['into_ticket', 'is closed: merge into an open ticket', 'That ticket is closed. Merge into an open ticket.'],
  ['ticket', 'is not a ticket of this portal', 'There is no ticket with that number here.'],
  ['number', 'use a ticket number such as ACME-1002, or 1002', 'Enter a ticket number such as ACME-1002, or just 1002.'],
  ['capacity', 'use 1 to 50 open tickets per agent', 'Enter between 1 and 50 open tickets per agent.'],
  ['agent_ids', 'are not all user ids', 'Choose agents from the list.'],
  [
    'primary',
    'white text on it has a contrast of 2.1:1; WCAG AA needs 4.5:1',
    'White text on this colour is hard to read (contrast 2.1:1, at least 4.5:1 is needed). Choose a darker colour.',
  ],
  ['terms_url', 'use an https:// address', 'Enter an address that starts with https://.'],
  ['slug', '"admin" is reserved', 'That subdomain is reserved. Choose another.'],
  ['size', "this organization's storage is full: 5 MiB of 5 MiB used", 'Your organization’s storage is full (5 MB of 5 MB used).'],
  [
    'content_type',
    'this type of file is not accepted: use images, PDF, text, office documents, zip or mp4',
    'This type of file cannot be attached. Attach images, PDFs, text, office documents, zip or mp4 files.',
  ],
  ['calendar', 'name: use 1 to 80 characters', 'Write a name of at most 80 characters.'],
  ['X-Requested-With', 'is required', 'The portal could not read this request. Reload the page and try again.'],
  ['body', 'expected value at line 1 column 1', 'Check the message.'],
  ['some_new_field', 'is wrong in a way this app never heard of', 'Check the some new field.'],
  // Invoices (shared/domain/src/invoice, shared/domain/src/money.rs, shared/app/src/invoices).
  [
    'lines[2].quantity',
    'use a quantity above 0 and under 1,000,000, with at most 4 decimals',
    'Enter a quantity above 0 and under 1,000,000, with at most 4 decimals.',
  ],
  ['lines[0].unit_price', 'JPY amounts have no decimals', 'Enter JPY amounts without decimals.'],
  ['lines[0].unit_price', 'EUR amounts have at most 2 decimals', 'Enter EUR amounts with at most 2 decimals.'],
  ['lines[0].unit_price', 'write an amount such as 1234.50', 'Enter an amount such as 1234.50, without thousands separators.'],
  ['lines[1].description', 'use 1 to 500 characters', 'Write a description of at most 500 characters.'],
  ['lines[0].discount.value', 'use a percentage from 0 to 100', 'Enter a percentage from 0 to 100, with at most 3 decimals.'],
  ['lines[0].tax_rate_ids[1]', "is not one of this tenant's tax rates", 'Choose tax rates from the list; this one is no longer offered.'],
  ['lines', 'use 1 to 200 lines', 'Add between 1 and 200 lines.'],
  ['billed', 'name the organization (or partner) to bill', 'Choose who to bill.'],
  ['billed.partner_id', 'only Kre8ivTech bills partners', 'Only Kre8ivTech bills partner agencies.'],
  ['amount', 'is more than the balance of 120.00', 'Enter at most the balance, 120.00.'],
  ['received_on', 'is in the future', 'Choose a day that is not in the future.'],
  ['reason', 'say why, in 1 to 500 characters', 'Say why, in at most 500 characters.'],
  ['number_format', 'include the sequence once: {SEQ} or {SEQ:4}', 'Include the sequence once: {SEQ} or {SEQ:4}.'],
  ['reminders[1]', 'use a day from -60 to 180 around the due date', 'Use days from -60 (before the due date) to 180 (after it).'],
  ['tax_rates[0].compound', 'an inclusive rate is not compound', 'A rate included in prices cannot be compound.'],
  ['address', 'use at most 6 lines and 400 characters', 'Write the address on at most 6 lines, in at most 400 characters.'],
  ['tax_id', 'use at most 40 characters on one line', 'Write the tax ID on one line, in at most 40 characters.'],
  ['tax_id', 'must be at most 64 characters at line 1 column 90', 'Shorten the tax ID to at most 64 characters.'],
  ['date_format', 'unknown variant `31/12`, expected one of `yyyy-mm-dd`, `dd/mm/yyyy`', 'Choose a date format from the list.'],
  ['paper', 'unknown variant `a5`, expected `a4` or `letter`', 'Choose a paper size from the list.'],
  ['terms.early_discount.days', 'use at least 1 day, fewer than the payment term', 'Enter at least 1 day, fewer than the days until due.'],
  ['late_fee.repeat_days', 'use 1 to 365 days, or leave it empty for once', 'Enter 1 to 365 days, or leave it empty to charge once.'],
  ['due_days', 'use 0 to 365 days', 'Enter 0 to 365 days.'],
  ['amount', 'pay more than 0 and at most the balance of 238.00', 'Enter an amount above 0 and at most the balance, 238.00.'],
  ['amount', 'refund more than 0 and at most 200.00', 'Enter an amount above 0 and at most 200.00, what is left of this payment.'],
  ['payment_id', 'is not a payment of this invoice', 'That payment is not on this invoice. Reload to see its payments.'],
  [
    'payment_id',
    'was paid outside the portal: give it back the same way, or issue a credit note',
    'This payment was made outside the portal: give the money back the same way, or issue a credit note.',
  ],
  ['card', 'must be at most 32 characters at line 1 column 45', 'Shorten the card number to at most 32 characters.'],
  [
    'secret_key',
    "paste the secret key (sk_live_… or sk_test_…) from Stripe's dashboard",
    'Paste the secret key (sk_live_… or sk_test_…) from Stripe’s dashboard.',
  ],
  ['webhook_secret', "paste the webhook endpoint's signing secret (whsec_…)", 'Paste the webhook endpoint’s signing secret (whsec_…).'],
  ['publishable_key', 'paste the publishable key (pk_live_… or pk_test_…)', 'Paste the publishable key (pk_live_… or pk_test_…).'],
  ['publishable_key', 'use keys of the same mode (both live or both test)', 'Use keys of the same mode: both live or both test.'],
  ['secret_key', 'is required', 'Paste the secret key.'],
  ['quiet_hours.start', 'use a 24-hour time such as 22:00', 'Enter a time such as 22:00.'],
  ['quiet_hours', 'start and end must be different times of day', 'Choose quiet hours that end at another time than they start.'],
  ['time_zone', 'is not an IANA time zone such as Europe/Berlin', 'Enter a time zone such as Europe/Berlin.'],
  ['kinds[0].delivery', 'use instant, hourly, daily or weekly', 'Choose at once or a digest from the list.'],
  ['reset[1]', 'this role never receives that kind', 'This role never receives notifications of this kind.'],
  ['role', 'is not a role of this tenant', 'That role is not available in this portal.'],
  ['form_id', 'is no form in use', 'Choose a published form from the list.'],
  ['form_id', 'publish the form first', 'Publish the form first, then choose it here.'],
  ['price_field', 'needs a form', 'Choose a form first: the price comes from one of its fields.'],
  ['price_field', 'name a number, currency or calculated field of the form', 'Choose a number, currency or calculated field of the form.'],
  ['auto_quote', 'needs a price field to price the request by', 'Choose the field that prices the request before quoting at once.'],
  ['auto_quote.valid_days', 'use 1 to 365 days', 'Enter 1 to 365 days.'],
  ['deposit.percent', 'use 1 to 90, with two decimals at most', 'Enter a deposit of 1 to 90 percent, with at most two decimals.'],
  ['deposit.instalments', 'use 1 to 12 instalments', 'Enter 1 to 12 monthly instalments.'],
];

describe('fieldMessage', () => {
  it.each(FIELD_VECTORS)('%s: “%s”', (field, api, said) => {
    expect(fieldMessage(field, api)).toBe(said);
  });

  it('never shows the API’s wording: every message is a sentence without field names or word lists', () => {
    for (const [field, api] of FIELD_VECTORS) {
      const said = fieldMessage(field, api);
      expect(said).not.toBe(api);
      expect(said).toMatch(/^[A-Z{“]/);
      expect(said).toMatch(/[.]$/);
      expect(said).not.toMatch(/technical_support|org_id|`|at line \d/);
    }
  });

  it('keeps the app’s own sentences', () => {
    expect(fieldMessage('minutes', 'Type minutes (45) or hours and minutes (1:15).')).toBe(
      'Type minutes (45) or hours and minutes (1:15).',
    );
  });
});

const unauthenticated = { type: 'https://kt-portal.dev/problems/unauthenticated', title: 'Sign in first', status: 401 };
const limited = { type: 'https://kt-portal.dev/problems/rate-limited', title: 'Too many requests', status: 429 };

describe('problemMessage', () => {
  it('reads a 401 where it happened', () => {
    expect(problemMessage(401, unauthenticated, undefined, { kind: 'sign-in' })).toBe(
      'That email and password don’t match. Check them and try again, or reset your password.',
    );
    expect(problemMessage(401, unauthenticated, undefined, { kind: 'link' })).toBe(
      'This link has expired or was already used. Ask for a new one.',
    );
    expect(problemMessage(401, unauthenticated)).toBe('Your session has ended. Sign in again.');
  });

  it('counts down the second step’s tries, then says to start over', () => {
    const step = (failures: number, expired = false) =>
      problemMessage(401, unauthenticated, undefined, { kind: 'second-factor', failures, expired });
    expect(step(1)).toBe('That code didn’t work. Check it and try again (4 tries left).');
    expect(step(4)).toBe('That code didn’t work. Check it and try again (1 try left).');
    expect(step(5)).toBe('That code didn’t work, and it was the last try for this sign-in. Start over to get a new one.');
    expect(step(1, true)).toBe('This sign-in waited too long for its second step. Start over to sign in again.');
    expect(problemMessage(429, limited, 4, { kind: 'second-factor', failures: 3, expired: false })).toBe(
      'Too many wrong codes in a row. Wait 4 seconds, then try again.',
    );
    expect(problemMessage(429, limited, 45, { kind: 'send-code' })).toBe(
      'We just sent a code. Wait 45 seconds before asking for another one.',
    );
  });

  it('reads the reason the API gives for a refused sign-in step', () => {
    const problem = (slug: string, extra = {}) => ({ type: `https://kt-portal.dev/problems/${slug}`, title: 'x', status: 401, ...extra });
    expect(problemMessage(401, problem('wrong-credentials'))).toBe(
      'That email and password don’t match. Check them and try again, or reset your password.',
    );
    expect(problemMessage(401, problem('wrong-code', { tries_left: 2 }))).toBe(
      'That code didn’t work. Check it and try again (2 tries left).',
    );
    expect(problemMessage(401, problem('wrong-code', { tries_left: 0 }))).toBe(
      'That code didn’t work, and it was the last try for this sign-in. Start over to get a new one.',
    );
    expect(problemMessage(401, problem('sign-in-expired'), undefined, { kind: 'second-factor', failures: 0, expired: false })).toBe(
      'This sign-in has ended: it waited too long or ran out of tries. Start over to sign in again.',
    );
  });

  it('says how long to wait when throttled', () => {
    expect(problemMessage(429, limited, 2, { kind: 'sign-in' })).toBe('Too many sign-in attempts. Wait 2 seconds, then try again.');
    expect(problemMessage(429, limited, 900, { kind: 'sign-in' })).toBe('Too many sign-in attempts. Wait 15 minutes, then try again.');
    expect(problemMessage(429, limited)).toBe('Too many requests. Wait a moment, then try again.');
  });

  it('words conflicts, stale edits and server trouble', () => {
    const conflict = (detail: string) =>
      problemMessage(409, { type: 'https://kt-portal.dev/problems/conflict', title: 'Conflict', status: 409, detail });
    expect(conflict('the item changed or already exists')).toBe('Someone changed this at the same time. Reload and try again.');
    expect(conflict('a closed ticket takes no more replies; file a new one')).toBe(
      'A closed ticket takes no more replies; file a new one.',
    );
    expect(conflict('a paid invoice is not paid online')).toBe('This invoice takes no payments now. Reload to see where it stands.');
    expect(conflict('this portal does not take online payments yet')).toBe(
      'This portal does not take payments online yet. Pay as the terms on the invoice say.',
    );
    expect(conflict('the payment provider refused: this payment is succeeded already')).toBe(
      'The payment provider refused: this payment is succeeded already.',
    );
    expect(problemMessage(412, undefined)).toBe('Someone else changed this since you opened it. Reload, then make your change again.');
    expect(problemMessage(503, undefined)).toBe('The portal is not available for a moment. Try again shortly.');
    expect(problemMessage(0, undefined)).toBe('The portal could not be reached. Check your connection and try again.');
  });
});

describe('waits', () => {
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('2')).toBe(2);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(10);
  });

  it('says them as people do', () => {
    expect(waitPhrase(1)).toBe('1 second');
    expect(waitPhrase(0.2)).toBe('1 second');
    expect(waitPhrase(59)).toBe('59 seconds');
    expect(waitPhrase(60)).toBe('1 minute');
    expect(waitPhrase(61)).toBe('2 minutes');
  });
});
