// Every problem the web app shows, in words for the person in front of it. The API writes its
// field errors for developers ("use one of low, medium, high", "missing field `subject`") and
// its titles for logs ("Sign in first"); this is the one place that turns them into what to do
// next ("Choose a priority."). Forms, notes and summaries all read their messages from here.
import type { Problem } from './problem';
import { fieldInfo } from './fieldNames';

/** Where a problem happened, when that changes what it means (a 401 on sign-in is a wrong password). */
export type ProblemContext =
  | { kind: 'sign-in' }
  /** Checking a second-step code: `failures` counts the codes refused so far in this sign-in (this one included). */
  | { kind: 'second-factor'; failures: number; expired: boolean }
  /** Asking for a texted code. */
  | { kind: 'send-code' }
  /** Redeeming an emailed link (sign-in, reset, invitation). */
  | { kind: 'link' };

/** Codes a second step accepts before the server drops it (kt_domain::auth::CODE_ATTEMPTS). */
export const SECOND_FACTOR_ATTEMPTS = 5;

/** Messages of the web app's own checks, before anything is sent (same voice as the server's). */
export const CHECKS = {
  position: 'Enter a whole number, 0 or more.',
  capacity: 'Enter a whole number of open tickets, 0 or more.',
  categories: 'Tick categories from the list.',
  strategy: 'Choose a strategy from the list.',
  minutes: 'Type minutes (45) or hours and minutes (1:15).',
  shift: (typed: string) => `“${typed}” is not a shift: write shifts like 09:00-17:00, separated by commas.`,
  days: 'Enter a whole number of days.',
  reminder: (typed: string) => `“${typed}” is not a number of days: write days like -3, 0, 7, separated by commas.`,
};

/** A 412 on an edit of `what` ("response", "rule"), where the form knows what was edited. */
export const staleEdit = (what: string) =>
  `Someone else changed this ${what} since you opened it. Reload to see their version, then apply your change again.`;

const n = (digits: string) => Number(digits).toLocaleString('en-US');
/** "a subject", "an organization". */
const a = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
/** "1440" minutes as "24 hours" (whole hours), else as minutes. */
const hours = (minutes: string) => (Number(minutes) % 60 ? `${n(minutes)} minutes` : `${Number(minutes) / 60} hours`);

/** A wait as people say it: "2 seconds", "1 minute", "15 minutes". */
export function waitPhrase(seconds: number): string {
  if (seconds < 60) {
    const s = Math.max(1, Math.ceil(seconds));
    return `${s} second${s === 1 ? '' : 's'}`;
  }
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

// ---------------------------------------------------------------------------------------------
// Field errors

type Say = string | ((m: RegExpMatchArray, field: string) => string);
type Rule = [field: RegExp | null, message: RegExp, say: Say];

// Fields a person never typed: something is wrong with the page, not with what they wrote.
const TECHNICAL = /^(X-Requested-With|content-type|Idempotency-Key|path|query|cursor|limit|topic)$/i;
const RELOAD = 'The portal could not read this request. Reload the page and try again.';

/**
 * The API's messages, most specific first: [field, message, what to say]. Each pattern reads a
 * message the server writes today (see `shared/domain`, `shared/app` and `shared/http`).
 */
const RULES: Rule[] = [
  [TECHNICAL, /./, RELOAD],
  [/^body$/, /^is too large to store/, 'This is too long to save. Shorten it and try again.'],
  [/^body$/, /^name what to change/, 'Change something before saving.'],
  [/^body$/, /^has a \{\{ without its closing \}\}/, 'Close each {{ with }}.'],
  [/^body$/, /^\{\{(.+?)\}\} is not a variable; use (.+)$/, (m) => `{{${m[1]}}} is not a variable you can use. Use one of: ${m[2]}.`],

  // Announcements.
  [/^ends_at$/, /^must be after the start/, 'Choose an end after the start.'],
  [/^ends_at$/, /^must be in the future/, 'Choose an end in the future.'],
  [/^display$/, /^choose at least one way/, 'Choose at least one way to show it.'],
  [/^scope$/, /announce to everyone/, 'Only Kre8ivTech’s super admins announce to everyone on the platform.'],
  [/^org_id$/, /^is not an organization of this tenant|^name the organization$/, 'Choose one of this portal’s organizations.'],
  [/^(starts_at|ends_at)$/, /^use RFC 3339/, 'Enter a date and time.'],

  // Choices from a list.
  [/^category$/, /use one of|unknown variant|invalid type|expected/, 'Choose a category.'],
  [/^priority$/, /use one of|unknown variant|invalid type|expected/, 'Choose a priority.'],
  [/^status$/, /^use active or suspended/, 'Choose active or suspended.'],
  [/^status$/, /^you cannot change your own status/, 'You cannot change your own status.'],
  [/^status$/, /^an invited user becomes active/, 'An invited person becomes active when they accept their invitation.'],
  [/^status$/, /^the house tenant cannot be suspended/, 'The portal’s own tenant cannot be suspended.'],
  [/^status$/, /^say what to change/, 'Choose a status, a priority or an assignee to change.'],
  [/^status$/, /^a (.+) ticket cannot change status/, (m) => `A ${m[1].toLowerCase()} ticket cannot change status.`],
  [/^status$/, /^a (.+) ticket can become (.+)$/, (m) => `A ${m[1].toLowerCase()} ticket can only become ${m[2]}.`],
  [/^status$/, /use one of|unknown variant|invalid type|expected/, 'Choose a status.'],
  [/^role$/, /^you cannot change your own role/, 'You cannot change your own role.'],
  [/^role$/, /^a client belongs to an organization/, 'Add the person to an organization before making them a client.'],
  [/^role$/, /cannot belong to this tenant/, 'That role is not available in this portal.'],
  [/^role$/, /use one of|unknown variant|invalid type|expected/, 'Choose a role.'],
  [/^strategy$/, /use one of|unknown variant|invalid type|expected/, 'Choose a strategy.'],
  [/^font$/, /use one of|unknown variant|invalid type|expected/, 'Choose a font.'],
  [/^(kind|kinds\[\d+\]\.kind)$/, /use one of|unknown variant/, 'Choose a kind from the list.'],
  [/^(kinds\[\d+\]\.kind|reset\[\d+\])$/, /^is not a notification kind/, 'Choose a kind from the list.'],
  [/^(kinds\[\d+\]\.kind|reset\[\d+\])$/, /^this role never receives that kind/, 'This role never receives notifications of this kind.'],
  [/^kinds\[\d+\]\.delivery$/, /^use instant, hourly, daily or weekly/, 'Choose at once or a digest from the list.'],
  [/^role$/, /^is not a role of this tenant/, 'That role is not available in this portal.'],
  [/^rating$/, /./, 'Choose a rating from 1 (very dissatisfied) to 5 (very satisfied).'],

  // Text with a shape.
  [/^subject$/, /(?:1 to|at most) (\d+) characters/, (m) => `Write a subject of at most ${n(m[1])} characters, on one line.`],
  [/^title$/, /^use 1 to (\d+) characters on one line/, (m) => `Write a title of at most ${n(m[1])} characters, on one line.`],
  [/^shortcut$/, /^another canned response uses it/, 'Another canned response already uses this shortcut.'],
  [
    /^shortcut$/,
    /^use 1 to (\d+) letters/,
    (m) => `Use up to ${n(m[1])} letters, digits, hyphens (-) and underscores (_), without spaces.`,
  ],
  [/^email$/, /^already has an account here/, 'Someone with this email address already has an account here.'],
  [/email$/, /^is not an email address/, 'Enter an email address such as name@example.com.'],
  [/^password$/, /^is not your current password/, 'That is not your current password.'],
  [
    /^password$/,
    /^use at least (\d+) characters/,
    (m) => `Use at least ${n(m[1])} characters. A few unrelated words make a strong password.`,
  ],
  [/^password$/, /^use at most (\d+) characters/, (m) => `Use at most ${n(m[1])} characters.`],
  [/^password$/, /^is too easy to guess: ?(.*)$/, (m) => `This password is too easy to guess.${m[1] ? ` ${sentence(m[1])}` : ''}`],
  [
    /^code$/,
    /^is not the current code of the authenticator app/,
    'That code does not match your authenticator app. Enter the code it shows now.',
  ],
  [/^code$/, /^is not the code we texted/, 'That is not the code we texted you. Check the message and try again.'],
  [/^code$/, /^has expired or was tried too often/, 'This code has expired or was tried too often. Ask for a new one.'],
  [/^phone$/, /^use the international form/, 'Enter the number in international format, such as +15551234567.'],
  [/^phone$/, /^is required to set up text messages/, 'Enter the mobile number to text your codes to.'],
  [
    /^phone$/,
    /^(.+) has opted out of text messages/,
    (m) => `${m[1]} has opted out of our text messages. Reply START to our last text, or choose another method.`,
  ],
  [/^support_phone$/, /^use digits/, 'Use only digits, spaces and + - ( ) .'],
  [/_url$/, /^use an https:\/\/ address/, 'Enter an address that starts with https://.'],
  [/^(primary|secondary|accent|color)$/, /^use a colour like (#\w+)/, (m) => `Pick a colour, written like ${m[1]}.`],
  [
    /^(primary|secondary|accent)$/,
    /contrast of ([\d.]+):1; WCAG AA needs ([\d.]+):1/,
    (m) => `White text on this colour is hard to read (contrast ${m[1]}:1, at least ${m[2]}:1 is needed). Choose a darker colour.`,
  ],
  [/^host$/, /^use a domain name such as (\S+)/, (m) => `Enter a domain name such as ${m[1]}.`],
  [/^host$/, /^is part of the portal's own domain/, 'Use a domain of your own, not one of the portal’s.'],
  [/^host$/, /^is already in use/, 'Another portal already uses this domain.'],
  [/^slug$/, /^use 2 to 40 lower-case/, 'Use 2 to 40 lower-case letters, digits and dashes, starting with a letter.'],
  [/^slug$/, /is reserved/, 'That subdomain is reserved. Choose another.'],
  [/^slug$/, /^is already taken/, 'Another tenant already uses this subdomain.'],
  [/^ticket_prefix$/, /^use 2 to 8/, 'Use 2 to 8 letters or digits, starting with a letter.'],
  [/^tags$/, /^use at most (\d+) tags/, (m) => `Use at most ${n(m[1])} tags.`],
  [/^tags$/, /^"(.+)" is not a tag/, (m) => `“${m[1]}” is not a tag: use letters, digits, - and _.`],
  [/^time_zone$/, /IANA time zone/, 'Enter a time zone such as Europe/Berlin.'],
  [/^quiet_hours\.(start|end)$/, /^use a 24-hour time/, 'Enter a time such as 22:00.'],
  [/^quiet_hours$/, /^start and end must be different/, 'Choose quiet hours that end at another time than they start.'],
  [/(^|\.)(work_date|holidays\[\d+\])$/, /^use YYYY-MM-DD/i, 'Enter a date such as 2026-03-31.'],
  [/^(from|to)$/, /^use yyyy-mm/i, 'Enter a month such as 2026-03.'],
  [/^to$/, /^must not be before from/, 'Choose an end that is not before the start.'],
  [/^created_to$/, /^must be after created_from/, 'Choose an end date after the start date.'],
  [/^work_date$/, /^cannot be in the future/, 'Choose a date that is not in the future.'],
  [/^work_date$/, /^at most (\d+) days back/, (m) => `Choose a date at most ${n(m[1])} days ago.`],
  [/^minutes$/, /^log between 1 and (\d+) minutes/, (m) => `Log between 1 minute and ${hours(m[1])} per entry.`],

  // Numbers in a range.
  [/^capacity$/, /^use 1 to (\d+) open tickets/, (m) => `Enter between 1 and ${n(m[1])} open tickets per agent.`],
  [/^warn_percent$/, /^use 1 to 99/, 'Enter a percentage from 1 to 99.'],
  [/^expires_in_days$/, /^use 1 to (\d+)/, (m) => `Enter between 1 and ${n(m[1])} days, or leave it empty for a key that does not expire.`],
  [/^rate_per_minute$/, /^use 1 to (\d+)/, (m) => `Enter between 1 and ${n(m[1])} requests per minute.`],
  [/^limit_bytes$/, /./, 'Enter a size of at least 1 byte.'],
  [/^targets$/, /^use 1 to (\d+) minutes/, 'Each target is between 1 minute and one year.'],
  [/^targets$/, /first-response target/, 'Each first-response target is at least a minute and no longer than its resolution target.'],
  // The calendar's own fields, as "name: use 1 to 80 characters".
  [/^calendar$/, /^([\w.[\]]+): (.+)$/, (m) => fieldMessage(m[1], m[2])],
  [/weekly/, /^give seven days/, 'Give the hours of all seven days, Monday first.'],
  [/weekly/, /^use HH:MM times/, 'Write shifts like 09:00-17:00.'],
  [
    /weekly/,
    /^day (\d+): shifts must lie within the day/,
    (m) => `Day ${m[1]}: shifts must fit within the day, in order, without overlapping.`,
  ],
  [/^holidays$/, /^use at most (\d+) holidays/, (m) => `Use at most ${n(m[1])} holidays.`],
  [/^(on_breach|on_warning)(\[\d+\])?$/, /./, 'Choose what happens from the list, and a person for a reassignment.'],

  // Invoices: amounts, lines, payments and billing settings.
  [null, /^write an amount such as/, 'Enter an amount such as 1234.50, without thousands separators.'],
  [null, /^([A-Z]{3}) amounts have no decimals/, (m) => `Enter ${m[1]} amounts without decimals.`],
  [null, /^([A-Z]{3}) amounts have at most (\d+) decimals?/, (m) => `Enter ${m[1]} amounts with at most ${m[2]} decimals.`],
  [null, /^use an amount under 1,000,000,000,000/, 'Enter an amount under 1,000,000,000,000.'],
  [/quantity$/, /^use a quantity above 0/, 'Enter a quantity above 0 and under 1,000,000, with at most 4 decimals.'],
  [/unit_price$/, /^a price is 0 or more/, 'Enter a price of 0 or more.'],
  [null, /^use a percentage from 0 to 100/, 'Enter a percentage from 0 to 100, with at most 3 decimals.'],
  [null, /^a discount is 0 or more/, 'Enter a discount of 0 or more.'],
  [null, /^use percent or fixed/, 'Choose a percentage or an amount.'],
  [/^lines$/, /^use 1 to (\d+) lines/, (m) => `Add between 1 and ${n(m[1])} lines.`],
  [/^lines$/, /^add at least one line/, 'Add at least one line.'],
  [/tax_rate_ids/, /^use at most (\d+) tax rates/, (m) => `Choose at most ${n(m[1])} tax rates per line.`],
  [/tax_rate_ids/, /is not one of this tenant's tax rates/, 'Choose tax rates from the list; this one is no longer offered.'],
  [/tax_rate_ids/, /^is listed twice/, 'Choose each tax rate once.'],
  [/^billed/, /^name (either org_id or partner_id|the organization \(or partner\) to bill)/, 'Choose who to bill.'],
  [/^billed/, /^is not an organization of this portal/, 'Choose one of this portal’s clients.'],
  [/^billed/, /^only Kre8ivTech bills partners/, 'Only Kre8ivTech bills partner agencies.'],
  [/^billed/, /^is not a partner/, 'Choose a partner agency from the list.'],
  [/^currency$/, /^use an ISO 4217 code/, 'Choose a currency from the list.'],
  [/^amount$/, /^a payment is more than 0/, 'Enter an amount above 0.'],
  [/^amount$/, /^is more than the balance of (.+)$/, (m) => `Enter at most the balance, ${m[1]}.`],
  [
    /^method$/,
    /^card payments arrive through the payment provider/,
    'Card payments arrive through the payment provider; choose another method.',
  ],
  [/^amount$/, /^pay more than 0 and at most the balance of (.+)$/, (m) => `Enter an amount above 0 and at most the balance, ${m[1]}.`],
  [
    /^amount$/,
    /^refund more than 0 and at most (.+)$/,
    (m) => `Enter an amount above 0 and at most ${m[1]}, what is left of this payment.`,
  ],
  [/^payment_id$/, /^is not a payment of this invoice/, 'That payment is not on this invoice. Reload to see its payments.'],
  [
    /^payment_id$/,
    /^was paid outside the portal/,
    'This payment was made outside the portal: give the money back the same way, or issue a credit note.',
  ],
  [/^secret_key$/, /^paste the secret key/, 'Paste the secret key (sk_live_… or sk_test_…) from Stripe’s dashboard.'],
  [/^webhook_secret$/, /^paste the webhook endpoint's signing secret/, 'Paste the webhook endpoint’s signing secret (whsec_…).'],
  [/^publishable_key$/, /^paste the publishable key/, 'Paste the publishable key (pk_live_… or pk_test_…).'],
  [/^publishable_key$/, /^use keys of the same mode/, 'Use keys of the same mode: both live or both test.'],
  [/^received_on$/, /^is in the future/, 'Choose a day that is not in the future.'],
  [/^received_on$/, /^is more than a year ago/, 'Choose a day at most a year ago.'],
  [/^received_on$/, /^use YYYY-MM-DD/, 'Enter a date such as 2026-03-31.'],
  [/^reason$/, /^say why/, 'Say why, in at most 500 characters.'],
  // Credit notes
  [/^amount$/, /^a credit note credits more than 0/, 'Enter an amount above 0.'],
  [
    /^amount$/,
    /^is more than the (.+) left to credit on this invoice/,
    (m) => `Enter at most ${m[1]}, what is left to credit on this invoice.`,
  ],
  [/^amount$/, /^apply more than 0/, 'Enter an amount above 0, or leave it empty to apply all that fits.'],
  [/^amount$/, /^is more than the invoice's balance of (.+)$/, (m) => `Enter at most the invoice’s balance, ${m[1]}.`],
  [/^invoice_id$/, /^bills another party/, 'Choose an invoice of the same client.'],
  [/^invoice_id$/, /^has no balance to apply credit to/, 'That invoice has nothing left to pay. Choose another.'],
  [/^invoice_id$/, /^is not an invoice of this portal/, 'Choose an invoice from the list.'],
  // Payment plans
  [/^instalments$/, /^split the balance into (\d+) to (\d+) instalments/, (m) => `A plan has ${m[1]} to ${m[2]} instalments.`],
  [
    /^instalments$/,
    /^add up to (.+); the balance is (.+)$/,
    (m) => `The instalments add up to ${m[1]}; they must add up to the balance, ${m[2]}.`,
  ],
  [/^instalments\[\d+\]\.amount$/, /^is more than 0/, 'Enter an amount above 0.'],
  [/^instalments\[\d+\]\.due_on$/, /^is in the past/, 'Choose today or a later day.'],
  [/^instalments\[\d+\]\.due_on$/, /^is more than three years ahead/, 'Choose a day within three years.'],
  [
    /^instalments\[\d+\]\.due_on$/,
    /^falls after the instalment before it|^falls on or before/,
    'Choose a day after the instalment before.',
  ],
  [/^instalments\[\d+\]\.due_on$/, /^use YYYY-MM-DD/, 'Enter a date such as 2026-03-31.'],
  // Recurring invoices
  [/^frequency$/, /^use weekly, monthly/, 'Choose how often: weekly, monthly, quarterly or yearly.'],
  [/^frequency$/, /^is fixed once/, 'How often is fixed once the first invoice was made.'],
  [/^start_on$/, /^is fixed once/, 'The first day is fixed once the first invoice was made.'],
  [/^start_on$/, /^is more than a year ago/, 'Choose a day at most a year ago.'],
  [/^start_on$/, /^is more than three years ahead/, 'Choose a day within three years.'],
  [/^start_on$/, /^name the day/, 'Choose the day of the first invoice.'],
  [/^end_on$/, /^is before the start/, 'Choose a day on or after the first invoice’s.'],
  [/^auto_charge$/, /^charges invoices as they are sent/, 'Charging each invoice needs sending them automatically too.'],
  [/^(number|credit_note)_format$/, /^close every \{ with \}/, 'Close each { with }.'],
  [/^(number|credit_note)_format$/, /^open every \} with \{/, 'Open each } with {.'],
  [/^(number|credit_note)_format$/, /^use \{YYYY\}/, 'Use only {YYYY}, {YY}, {MM} and {SEQ} or {SEQ:n} (n from 1 to 10) in braces.'],
  [/^(number|credit_note)_format$/, /^include the sequence once/, 'Include the sequence once: {SEQ} or {SEQ:4}.'],
  [/^(number|credit_note)_format$/, /^use letters, digits/, 'Use letters, digits and - _ / . # only.'],
  [/^reminders/, /^use at most (\d+) reminders/, (m) => `Use at most ${n(m[1])} reminders.`],
  [/^reminders/, /^use a day from (-?\d+) to (\d+)/, (m) => `Use days from ${m[1]} (before the due date) to ${m[2]} (after it).`],
  [/^reminders/, /^is listed twice/, 'Name each day once.'],
  [
    /^address$/,
    /^use at most (\d+) lines and (\d+) characters/,
    (m) => `Write the address on at most ${m[1]} lines, in at most ${n(m[2])} characters.`,
  ],
  [/^tax_id$/, /^use at most (\d+) characters on one line/, (m) => `Write the tax ID on one line, in at most ${n(m[1])} characters.`],
  [/^tax_rates$/, /^use at most (\d+) tax rates/, (m) => `Use at most ${n(m[1])} tax rates.`],
  [/^tax_rates/, /^is used by another rate/, 'Another tax rate already has this name.'],
  [/^tax_rates/, /^an inclusive rate is not compound/, 'A rate included in prices cannot be compound.'],
  [null, /^use more than 0 and less than 50 percent/, 'Enter a percentage above 0 and below 50.'],
  [null, /^use at least 1 day, fewer than the payment term/, 'Enter at least 1 day, fewer than the days until due.'],
  [null, /^use more than 0 and at most 100 percent/, 'Enter a percentage above 0 and at most 100.'],
  [null, /^use more than 0 and at most 50 percent a year/, 'Enter a yearly percentage above 0 and at most 50.'],
  [null, /^use an amount above 0/, 'Enter an amount above 0.'],
  [null, /^use a decimal number such as/, 'Enter a number such as 2 or 1.5.'],
  [null, /^use (\d+) to (\d+) days, or leave it empty for once/, (m) => `Enter ${m[1]} to ${m[2]} days, or leave it empty to charge once.`],
  [null, /^use (\d+) to (\d+) days/, (m) => `Enter ${m[1]} to ${m[2]} days.`],

  // Messaging: who is in a conversation, messages, threads, mentions and reactions.
  [/^members$/, /^a direct conversation is with one other person/, 'A direct conversation is with one other person.'],
  [/^members$/, /^a conversation holds at most (\d+) people/, (m) => `Choose at most ${n(m[1])} people.`],
  [/^members\[\d+\]$/, /^is not someone you can message here/, 'You cannot message this person here. Choose people from the list.'],
  [/^members\[\d+\]$/, /^is a client of another organization/, 'Clients of different organizations cannot share a conversation.'],
  [/^members\[\d+\]$/, /^is listed twice/, 'Choose each person once.'],
  [/^name$/, /^use 1 to (\d+) characters on one line/, (m) => `Write a name of at most ${n(m[1])} characters, on one line.`],
  [/^body$/, /^write 1 to (\d+) characters/, (m) => `Write a message of at most ${n(m[1])} characters.`],
  [/^mentions$/, /^mention at most (\d+) people/, (m) => `Mention at most ${n(m[1])} people.`],
  [/^mentions\[\d+\]$/, /^is not in this conversation/, 'Mention only people in this conversation.'],
  [/^mentions\[\d+\]$/, /^is mentioned twice/, 'Mention each person once.'],
  [/^mentions\[\d+\]$/, /^is not someone you can message here/, 'Mention only people in this conversation.'],
  [/^parent$/, /^answer the thread's first message/, 'Reply to the first message of the thread.'],
  [/^parent$/, /^is not a message of this conversation/, 'The message you replied to is not in this conversation. Reload it.'],
  [/^emoji$/, /^use one emoji/, 'Use one emoji or a name such as :tada:.'],

  // People, organizations and tickets named by id.
  [/^org_id$/, /^name the organization the ticket is for/, 'Choose the organization this ticket is for.'],
  [/^org_id$/, /^name the tenant the organization belongs to/, 'Choose the tenant the organization belongs to.'],
  [/^org_id$/, /^is not an organization of that tenant/, 'That organization belongs to another tenant.'],
  [/^org_id$/, /./, 'Choose an organization from the list.'],
  [/^orgs$/, /^a client belongs to at least one organization/, 'Choose at least one organization for a client.'],
  [/^orgs$/, /^only clients belong to organizations/, 'Only clients belong to organizations: choose none for this role.'],
  [/^orgs$/, /./, 'Choose organizations from the list.'],
  [/^tenant_id$/, /./, 'Choose a tenant from the list.'],
  [/^agent_ids$/, /^name 1 to (\d+) agents/, (m) => `Choose between 1 and ${n(m[1])} agents.`],
  [/^agent_ids$/, /^name each agent once/, 'Choose each agent only once.'],
  [
    /^agent_ids$/,
    /every tenant assigns to active Kre8ivTech staff only/,
    'A rule for every tenant can only assign to active Kre8ivTech staff.',
  ],
  [/^agent_ids$/, /./, 'Choose agents from the list.'],
  [/^(assignee_id|watcher_ids)$/, /./, 'Choose someone who can work on this ticket.'],
  [/^into_ticket$/, /^a ticket cannot be merged into itself/, 'A ticket cannot be merged into itself.'],
  [
    /^into_ticket$/,
    /^belongs to another organization/,
    'That ticket belongs to another organization. Merge only tickets of the same organization.',
  ],
  [/^into_ticket$/, /^is closed/, 'That ticket is closed. Merge into an open ticket.'],
  [/^ticket$/, /^a ticket cannot be linked to itself/, 'A ticket cannot be linked to itself.'],
  [/^(ticket|into_ticket)$/, /^is not a ticket of this portal/, 'There is no ticket with that number here.'],
  [/^(ticket|into_ticket)$/, /^is not a ticket you work/, 'That ticket is not one you work on.'],
  [/^number$/, /^use a ticket number such as (\S+), or (\d+)/, (m) => `Enter a ticket number such as ${m[1]}, or just ${m[2]}.`],
  [/^ticket_ids$/, /^name 1 to (\d+) tickets/, (m) => `Select between 1 and ${n(m[1])} tickets.`],
  [/^ticket_ids$/, /^name each ticket once/, 'Select each ticket only once.'],
  [/^ids$/, /^name 1 to (\d+) notifications/, (m) => `Select between 1 and ${n(m[1])} notifications.`],
  [
    /^require_2fa$/,
    /^this tenant has no (\w+) role/,
    (m) => `This tenant has no ${m[1].replace(/_/g, ' ')} role to require two-step sign-in for.`,
  ],

  // Service types: the form a request is asked with and the field that prices it.
  [/^form_id$/, /^is no form in use/, 'Choose a published form from the list.'],
  [/^form_id$/, /^publish the form first/, 'Publish the form first, then choose it here.'],
  [/^price_field$/, /^needs a form/, 'Choose a form first: the price comes from one of its fields.'],
  [/^price_field$/, /^name a number, currency or calculated field/, 'Choose a number, currency or calculated field of the form.'],
  [/^auto_quote$/, /^needs a price field/, 'Choose the field that prices the request before quoting at once.'],
  // Quotes: the deposit asked on acceptance.
  [/^deposit\.percent$/, /^use 1 to 90/, 'Enter a deposit of 1 to 90 percent, with at most two decimals.'],
  [/^deposit\.instalments$/, /^use 1 to 12 instalments/, 'Enter 1 to 12 monthly instalments.'],

  [
    /^content_type$/,
    /^this type of file is not accepted/,
    'This type of file cannot be attached. Attach images, PDFs, text, office documents, zip or mp4 files.',
  ],
  [/^content_type$/, /^use one of image/, 'Upload the logo as a PNG, JPEG or WebP image.'],
  [
    /^size$/,
    /storage is full: (\d+) MiB of (\d+) MiB used/,
    (m) => `Your organization’s storage is full (${n(m[1])} MB of ${n(m[2])} MB used).`,
  ],
  [/^size$/, /^a file is 1 byte to (\d+) MiB/, (m) => `Attach files of at most ${n(m[1])} MB.`],
  [/^size$/, /^a logo is 1 byte to (\d+) KiB/, (m) => `Upload a logo of at most ${n(m[1])} KB.`],
  [/^filename$/, /^use at most (\d+) characters/, (m) => `Rename the file to at most ${n(m[1])} characters.`],
  [/^upload_id$/, /./, 'Upload the logo again.'],

  // The shapes any field may have, from the domain's checks and from reading the JSON.
  [null, /^(is required|missing field)/, (_, field) => fieldInfo(field).ask],
  [null, /^invalid type: null/, (_, field) => fieldInfo(field).ask],
  [null, /^use 1 to (\d+) characters/, (m, field) => `Write ${a(fieldInfo(field).noun)} of at most ${n(m[1])} characters.`],
  [
    null,
    /(?:use|must be) at most (\d+) characters/,
    (m, field) => `Shorten the ${fieldInfo(field).noun} to at most ${n(m[1])} characters.`,
  ],
  [null, /^(use one of|one of:|unknown variant)/, (_, field) => `Choose ${a(fieldInfo(field).noun)} from the list.`],
  [null, /^(use RFC 3339|use an RFC 3339 time)/, 'Enter a date and time such as 2026-11-25 10:00.'],
  [null, /^(".*" )?is not (an? )?(\w+ )?id\b/, (_, field) => `Choose ${a(fieldInfo(field).noun)} from the list.`],
];

/** A lower-case fragment as a sentence: capital first, full stop last. */
function sentence(text: string): string {
  const t = text.trim().replace(/\s+at line \d+ column \d+$/, '');
  if (!t) return t;
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Already a sentence for people (the app's own checks): capital first and a full stop last. */
const isSentence = (message: string) => /^[A-Z“"]/.test(message) && /[.!?]$/.test(message.trim());

/** What to say about one field the server (or the app's own check) named. */
export function fieldMessage(field: string, message: string): string {
  if (isSentence(message)) return message;
  const text = message.trim();
  for (const [f, m, say] of RULES) {
    if (f && !f.test(field)) continue;
    const match = text.match(m);
    if (match) return typeof say === 'string' ? say : say(match, field);
  }
  return `Check the ${fieldInfo(field).noun}.`;
}

/** The first message of each field, as sentences, each said once. */
export function fieldSentences(problem: Problem | undefined): string[] {
  const seen = new Set<string>();
  const said: string[] = [];
  for (const e of problem?.errors ?? []) {
    if (seen.has(e.field)) continue;
    seen.add(e.field);
    said.push(fieldMessage(e.field, e.message));
  }
  return [...new Set(said)];
}

// ---------------------------------------------------------------------------------------------
// Whole problems

// Conflicts whose detail is not for people as written.
const CONFLICTS: [RegExp, string][] = [
  [/^the item changed or already exists/, 'Someone changed this at the same time. Reload and try again.'],
  [/changed meanwhile|kept changing|being changed/, 'Someone changed this at the same time. Reload and try again.'],
  [/^the house tenant already exists/, 'The portal’s own tenant already exists.'],
  [/^nothing was uploaded yet/, 'The file did not arrive. Try attaching it again.'],
  [/^the uploaded file is not the one declared/, 'The file changed while it was being sent. Try attaching it again.'],
  [/^this upload was not confirmed in time/, 'The upload took too long. Try attaching the file again.'],
  [
    /^a sent invoice changes only through/,
    'This invoice was sent, so it no longer changes: record payments or void it instead. Reload to see it.',
  ],
  [/^only a draft is sent/, 'This invoice was sent already. Reload to see it.'],
  [/^a \w+ invoice takes no payments/, 'This invoice takes no payments now. Reload to see where it stands.'],
  [/^a \w+ invoice is not paid online/, 'This invoice takes no payments now. Reload to see where it stands.'],
  [/^this portal does not take online payments/, 'This portal does not take payments online yet. Pay as the terms on the invoice say.'],
  [
    /^this portal is not connected to its payment provider/,
    'This portal is no longer connected to its payment provider: connect it again in the billing settings to refund.',
  ],
];

const slugOf = (problem: Problem | undefined) => problem?.type?.split('/').pop() ?? '';

/** A wait, or "a moment" when the server did not say. */
const waitFor = (retryAfter: number | undefined) => (retryAfter === undefined ? 'a moment' : waitPhrase(retryAfter));

/**
 * One message for a failed request: what happened and what to do. `status` 0 means no answer.
 * `retryAfter` is the Retry-After header in seconds; `context` where it happened.
 */
export function problemMessage(status: number, problem: Problem | undefined, retryAfter?: number, context?: ProblemContext): string {
  const slug = slugOf(problem);
  if (status === 0) return 'The portal could not be reached. Check your connection and try again.';

  // Sign-in refusals name their reason (the problem type), wherever they happen.
  if (slug === 'wrong-credentials') return 'That email and password don’t match. Check them and try again, or reset your password.';
  if (slug === 'sign-in-expired') return 'This sign-in has ended: it waited too long or ran out of tries. Start over to sign in again.';
  if (slug === 'wrong-code' && typeof problem?.tries_left === 'number') {
    const left = problem.tries_left;
    if (left <= 0) return 'That code didn’t work, and it was the last try for this sign-in. Start over to get a new one.';
    return `That code didn’t work. Check it and try again (${left} ${left === 1 ? 'try' : 'tries'} left).`;
  }
  if (context?.kind === 'sign-in') {
    if (status === 401) return 'That email and password don’t match. Check them and try again, or reset your password.';
    if (status === 403) return 'This portal is suspended, so nobody can sign in to it right now.';
    if (status === 429) return `Too many sign-in attempts. Wait ${waitFor(retryAfter)}, then try again.`;
  }
  if (context?.kind === 'second-factor') {
    if (status === 401) {
      if (context.expired) return 'This sign-in waited too long for its second step. Start over to sign in again.';
      const left = SECOND_FACTOR_ATTEMPTS - context.failures;
      if (left <= 0) return 'That code didn’t work, and it was the last try for this sign-in. Start over to get a new one.';
      return `That code didn’t work. Check it and try again (${left} ${left === 1 ? 'try' : 'tries'} left).`;
    }
    if (status === 429) return `Too many wrong codes in a row. Wait ${waitFor(retryAfter)}, then try again.`;
  }
  if (context?.kind === 'send-code') {
    if (status === 401) return 'This sign-in has expired. Start over to sign in again.';
    if (status === 429) return `We just sent a code. Wait ${waitFor(retryAfter)} before asking for another one.`;
  }
  if (context?.kind === 'link' && status === 401) {
    return 'This link has expired or was already used. Ask for a new one.';
  }

  if (status === 429 || slug === 'rate-limited') return `Too many requests. Wait ${waitFor(retryAfter)}, then try again.`;
  if (status === 401 || slug === 'unauthenticated') return 'Your session has ended. Sign in again.';
  if (status === 403 || slug === 'forbidden') return 'You don’t have permission to do that.';
  if (status === 404 || slug === 'not-found') return 'We couldn’t find that. It may have been removed, or you may not have access to it.';
  if (status === 412 || slug === 'precondition-failed')
    return 'Someone else changed this since you opened it. Reload, then make your change again.';
  if (status === 409 || slug === 'conflict') {
    const detail = problem?.detail?.trim() ?? '';
    const known = CONFLICTS.find(([pattern]) => pattern.test(detail));
    if (known) return known[1];
    return detail ? sentence(detail) : 'This cannot be done right now: something else changed it. Reload and try again.';
  }
  if (status === 400 || status === 422 || slug === 'invalid' || slug === 'bad-request') {
    const said = fieldSentences(problem);
    if (said.length) return said.join(' ');
    return RELOAD;
  }
  if (status === 413) return 'That is too large to send.';
  if (status === 503 || slug === 'unavailable') return 'The portal is not available for a moment. Try again shortly.';
  if (status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return `Something went wrong (${status}). Try again in a moment.`;
}
