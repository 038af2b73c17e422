// What each API field is called in a sentence, and how to ask for it when it is missing: the
// vocabulary of the messages in ./messages.ts.

/** What a field is called in a sentence, and how to ask for it when it is missing. */
const FIELDS: Record<string, { noun: string; ask: string }> = {
  category: { noun: 'category', ask: 'Choose a category.' },
  priority: { noun: 'priority', ask: 'Choose a priority.' },
  status: { noun: 'status', ask: 'Choose a status.' },
  subject: { noun: 'subject', ask: 'Write a subject.' },
  description: { noun: 'description', ask: 'Describe what you need help with.' },
  body: { noun: 'message', ask: 'Write a message.' },
  comment: { noun: 'comment', ask: 'Write a comment.' },
  note: { noun: 'note', ask: 'Write a note.' },
  org_id: { noun: 'organization', ask: 'Choose an organization.' },
  orgs: { noun: 'organizations', ask: 'Choose an organization.' },
  tenant_id: { noun: 'tenant', ask: 'Choose a tenant.' },
  email: { noun: 'email address', ask: 'Enter an email address.' },
  password: { noun: 'password', ask: 'Enter a password.' },
  code: { noun: 'code', ask: 'Enter the code.' },
  phone: { noun: 'phone number', ask: 'Enter a mobile phone number.' },
  name: { noun: 'name', ask: 'Write a name.' },
  portal_name: { noun: 'portal name', ask: 'Write the portal’s name.' },
  title: { noun: 'title', ask: 'Write a title.' },
  shortcut: { noun: 'shortcut', ask: 'Write a shortcut.' },
  role: { noun: 'role', ask: 'Choose a role.' },
  rating: { noun: 'rating', ask: 'Choose a rating from 1 to 5.' },
  minutes: { noun: 'time spent', ask: 'Enter the time spent.' },
  work_date: { noun: 'date', ask: 'Choose a date.' },
  slug: { noun: 'subdomain', ask: 'Choose a subdomain.' },
  ticket_prefix: { noun: 'ticket prefix', ask: 'Choose a ticket prefix.' },
  host: { noun: 'domain', ask: 'Enter a domain name.' },
  support_email: { noun: 'support email', ask: 'Enter a support email address.' },
  support_phone: { noun: 'support phone', ask: 'Enter a support phone number.' },
  terms_url: { noun: 'terms address', ask: 'Enter the address of your terms.' },
  privacy_url: { noun: 'privacy address', ask: 'Enter the address of your privacy policy.' },
  primary: { noun: 'primary colour', ask: 'Pick a primary colour.' },
  secondary: { noun: 'secondary colour', ask: 'Pick a secondary colour.' },
  accent: { noun: 'accent colour', ask: 'Pick an accent colour.' },
  font: { noun: 'font', ask: 'Choose a font.' },
  kind: { noun: 'kind', ask: 'Choose a kind.' },
  members: { noun: 'people', ask: 'Choose at least one person.' },
  parent: { noun: 'message replied to', ask: 'Choose a message to reply to.' },
  expires_in_days: { noun: 'expiry', ask: 'Enter a number of days.' },
  into_ticket: { noun: 'ticket', ask: 'Enter the number of the ticket to merge into.' },
  ticket: { noun: 'ticket', ask: 'Enter a ticket number.' },
  number: { noun: 'ticket number', ask: 'Enter a ticket number.' },
  assignee_id: { noun: 'assignee', ask: 'Choose someone to assign.' },
  agent_ids: { noun: 'agents', ask: 'Choose at least one agent.' },
  strategy: { noun: 'strategy', ask: 'Choose a strategy.' },
  capacity: { noun: 'capacity', ask: 'Enter a capacity.' },
  position: { noun: 'position', ask: 'Enter a position.' },
  categories: { noun: 'categories', ask: 'Tick at least one category.' },
  warn_percent: { noun: 'warning level', ask: 'Enter a percentage from 1 to 99.' },
  time_zone: { noun: 'time zone', ask: 'Enter a time zone such as Europe/Berlin.' },
  filename: { noun: 'file name', ask: 'Give the file a name.' },
  content_type: { noun: 'file type', ask: 'Choose a file.' },
  size: { noun: 'file', ask: 'Choose a file.' },
  tags: { noun: 'tags', ask: 'Add a tag.' },
  from: { noun: 'start', ask: 'Choose a start.' },
  to: { noun: 'end', ask: 'Choose an end.' },
  billed: { noun: 'billed party', ask: 'Choose who to bill.' },
  currency: { noun: 'currency', ask: 'Choose a currency.' },
  lines: { noun: 'lines', ask: 'Add at least one line.' },
  quantity: { noun: 'quantity', ask: 'Enter a quantity.' },
  unit_price: { noun: 'unit price', ask: 'Enter a unit price.' },
  discount: { noun: 'discount', ask: 'Enter the discount.' },
  value: { noun: 'amount', ask: 'Enter an amount.' },
  tax_rate_ids: { noun: 'taxes', ask: 'Choose tax rates from the list.' },
  notes: { noun: 'notes', ask: 'Write the notes.' },
  terms_text: { noun: 'terms', ask: 'Write the terms.' },
  amount: { noun: 'amount', ask: 'Enter an amount.' },
  method: { noun: 'payment method', ask: 'Choose how the money arrived.' },
  received_on: { noun: 'date received', ask: 'Choose the day the money arrived.' },
  reference: { noun: 'reference', ask: 'Enter a reference.' },
  reason: { noun: 'reason', ask: 'Say why.' },
  number_format: { noun: 'number format', ask: 'Write a number format such as INV-{YYYY}-{SEQ:4}.' },
  credit_note_format: { noun: 'credit note number format', ask: 'Write a number format such as CN-{YYYY}-{SEQ:4}.' },
  instalments: { noun: 'instalments', ask: 'Add the instalments.' },
  due_on: { noun: 'due day', ask: 'Choose the day it is due.' },
  start_on: { noun: 'first day', ask: 'Choose the day of the first invoice.' },
  end_on: { noun: 'last day', ask: 'Choose the last day.' },
  frequency: { noun: 'frequency', ask: 'Choose how often.' },
  reminders: { noun: 'reminders', ask: 'Enter days around the due date.' },
  footer: { noun: 'footer', ask: 'Write a footer.' },
  address: { noun: 'address', ask: 'Write your postal address.' },
  tax_id: { noun: 'tax ID', ask: 'Enter your tax ID.' },
  date_format: { noun: 'date format', ask: 'Choose a date format.' },
  amount_style: { noun: 'amount format', ask: 'Choose an amount format.' },
  paper: { noun: 'paper size', ask: 'Choose a paper size.' },
  percent: { noun: 'percentage', ask: 'Enter a percentage.' },
  due_days: { noun: 'days until due', ask: 'Enter a number of days.' },
  annual_percent: { noun: 'yearly interest', ask: 'Enter a yearly percentage.' },
  grace_days: { noun: 'grace period', ask: 'Enter a number of days.' },
  card: { noun: 'card number', ask: 'Enter a card number.' },
  payment_id: { noun: 'payment', ask: 'Choose a payment to refund.' },
  secret_key: { noun: 'secret key', ask: 'Paste the secret key.' },
  webhook_secret: { noun: 'webhook signing secret', ask: 'Paste the webhook signing secret.' },
  publishable_key: { noun: 'publishable key', ask: 'Paste the publishable key.' },
  repeat_days: { noun: 'repeat', ask: 'Enter a number of days, or leave it empty.' },
};

/** The field's entry, reading `calendar.weekly[2]` and `kinds[0].kind` by their last name. */
export function fieldInfo(field: string): { noun: string; ask: string } {
  const last =
    field
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? field;
  const known = FIELDS[field] ?? FIELDS[last];
  if (known) return known;
  const noun =
    last
      .replace(/_ids?$/, '')
      .replace(/_/g, ' ')
      .trim() || 'value';
  return { noun, ask: `Fill in the ${noun}.` };
}
