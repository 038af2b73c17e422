import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn(), PATCH: vi.fn(), PUT: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import BillingSettings, { parseReminders } from './BillingSettings';
import type { BillingSettings as Settings } from './api';

const answer = (status: number, body: unknown, etag = '"7"') => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: new Response(null, { status, headers: { ETag: etag } }),
});
const invalid = (field: string, message: string) =>
  answer(422, { type: 'about:blank', title: 'Invalid', status: 422, errors: [{ field, message }] });

const settings: Settings = {
  number_format: 'INV-{YYYY}-{SEQ:4}',
  next_number: 'INV-2026-0043',
  credit_note_format: 'CN-{YYYY}-{SEQ:4}',
  next_credit_note_number: 'CN-2026-0001',
  currency: 'EUR',
  tax_rates: [{ id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false }],
  terms: null,
  platform_terms: { name: 'Net 30', due_days: 30 },
  presets: [
    { name: 'Net 15', due_days: 15 },
    { name: 'Net 30', due_days: 30 },
  ],
  reminders: [-3, 7],
  footer: 'IBAN DE00',
  address: 'Acme Agency\n1 Main Street\n10115 Berlin',
  tax_id: 'DE123456789',
  date_format: 'dd.mm.yyyy',
  amount_style: '1.234,56',
  paper: 'a4',
  version: 7,
};

const notConnected = { connected: false, live: false, webhook_path: '/api/v1/webhooks/stripe/acme' };
let stripe: unknown = notConnected;

function open(role: string) {
  me.value = { user: { id: 'u1', role, tenant: 'acme', name: 'Pat' }, organizations: [] } as unknown as Me;
  api.GET.mockImplementation(async (path: string) => {
    if (path.endsWith('/billing/settings')) return answer(200, settings);
    if (path.endsWith('/billing/stripe')) return answer(200, stripe);
    if (path.endsWith('/billing/terms'))
      return answer(200, { items: [{ kind: 'org', id: 'globex', terms: { name: 'Net 15', due_days: 15 } }] });
    if (path.endsWith('/orgs')) return answer(200, { items: [{ id: 'globex', name: 'Globex' }] });
    if (path === '/api/v1/tenants') return answer(200, { items: [{ id: 'acme', name: 'Acme', kind: 'partner', slug: 'acme' }] });
    throw new Error(`unexpected GET ${path}`);
  });
  history.replaceState(null, '', '/admin/billing');
  render(
    <LocationProvider>
      <BillingSettings />
    </LocationProvider>,
  );
}

afterEach(() => {
  stripe = notConnected;
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

describe('BillingSettings', () => {
  it('reads reminder days as typed', () => {
    expect(parseReminders(' -3, 0 ,+7,')).toEqual([-3, 0, 7]);
    expect(parseReminders('-3, soon')).toEqual({ bad: 'soon' });
  });

  it('lets a partner save numbers, currency, reminders and footer, but only read the terms', async () => {
    open('partner');
    const general = await screen.findByRole('region', { name: 'Numbers, currency and reminders' });
    within(general).getByText('INV-2026-0043');
    const reminders = within(general).getByLabelText('Reminders (days around the due date)');
    expect((reminders as HTMLInputElement).value).toBe('-3, 7');
    fireEvent.input(reminders, { target: { value: '-3, a week' } });
    fireEvent.click(within(general).getByRole('button', { name: 'Save' }));
    await within(general).findByText('“a week” is not a number of days: write days like -3, 0, 7, separated by commas.');
    expect(api.PATCH).not.toHaveBeenCalled();

    fireEvent.input(reminders, { target: { value: '-3, 7, 7' } });
    api.PATCH.mockResolvedValueOnce(invalid('reminders[2]', 'is listed twice'));
    fireEvent.click(within(general).getByRole('button', { name: 'Save' }));
    await within(general).findByText('Name each day once.');
    expect(reminders.getAttribute('aria-invalid')).toBe('true');

    // The credit notes' own format, with its field error next to it.
    within(general).getByText('CN-2026-0001');
    const cnFormat = within(general).getByLabelText('Credit note number format');
    fireEvent.input(cnFormat, { target: { value: 'CN-{SEQ' } });
    api.PATCH.mockResolvedValueOnce(invalid('credit_note_format', 'close every { with }'));
    fireEvent.click(within(general).getByRole('button', { name: 'Save' }));
    await within(general).findByText('Close each { with }.');
    expect(cnFormat.getAttribute('aria-invalid')).toBe('true');
    fireEvent.input(cnFormat, { target: { value: 'CR-{YYYY}-{SEQ:4}' } });

    fireEvent.input(reminders, { target: { value: '-3, 0' } });
    api.PATCH.mockResolvedValueOnce(answer(200, { ...settings, reminders: [-3, 0], next_number: 'INV-2026-0043', version: 8 }, '"8"'));
    fireEvent.click(within(general).getByRole('button', { name: 'Save' }));
    await within(general).findByText('Saved. The next invoice sent today will be INV-2026-0043.');
    expect(api.PATCH.mock.calls[2][1]).toEqual({
      params: { path: { tenant_id: 'acme' }, header: { 'If-Match': '"7"' } },
      body: {
        number_format: 'INV-{YYYY}-{SEQ:4}',
        credit_note_format: 'CR-{YYYY}-{SEQ:4}',
        currency: 'EUR',
        reminders: [-3, 0],
        footer: 'IBAN DE00',
        address: 'Acme Agency\n1 Main Street\n10115 Berlin',
        tax_id: 'DE123456789',
        date_format: 'dd.mm.yyyy',
        amount_style: '1.234,56',
        paper: 'a4',
      },
    });

    const terms = screen.getByRole('region', { name: 'Default payment terms' });
    within(terms).getByText('Due 30 days after the invoice is sent.');
    expect(within(terms).queryByRole('button')).toBeNull();
    const parties = screen.getByRole('region', { name: 'Terms of single clients' });
    await within(parties).findByRole('article', { name: 'Globex' });
    expect(within(parties).queryByRole('button')).toBeNull();
  });

  it('saves how documents look with the rest of the form, each error on its field', async () => {
    open('partner');
    const general = await screen.findByRole('region', { name: 'Numbers, currency and reminders' });
    const documents = within(general).getByRole('group', { name: 'Documents' });
    const address = within(documents).getByLabelText('Address') as HTMLTextAreaElement;
    expect(address.tagName).toBe('TEXTAREA');
    expect(address.value).toBe('Acme Agency\n1 Main Street\n10115 Berlin');
    const dates = within(documents).getByLabelText('Date format') as HTMLSelectElement;
    expect(dates.value).toBe('dd.mm.yyyy');
    expect([...dates.options].map((o) => o.textContent)).toEqual([
      '2026-12-31',
      '31/12/2026',
      '12/31/2026',
      '31.12.2026',
      '31 December 2026',
      'December 31, 2026',
    ]);
    const amounts = within(documents).getByLabelText('Amount format') as HTMLSelectElement;
    expect([...amounts.options].map((o) => o.textContent)).toEqual(['€1,234.56', '1.234,56 €', '1 234,56 €', "CHF 1'234.56"]);
    const paper = within(documents).getByLabelText('Paper size') as HTMLSelectElement;
    expect([...paper.options].map((o) => o.textContent)).toEqual(['A4', 'US Letter']);

    fireEvent.input(address, { target: { value: 'Acme Agency\n1\n2\n3\n4\n5\n6' } });
    fireEvent.input(within(documents).getByLabelText('Tax ID'), { target: { value: ' GB 123 4567 89 ' } });
    fireEvent.change(dates, { target: { value: 'mmmm d, yyyy' } });
    fireEvent.change(amounts, { target: { value: '1,234.56' } });
    fireEvent.change(paper, { target: { value: 'letter' } });
    api.PATCH.mockResolvedValueOnce(invalid('address', 'use at most 6 lines and 400 characters'));
    fireEvent.click(within(general).getByRole('button', { name: 'Save' }));
    await within(documents).findByText('Write the address on at most 6 lines, in at most 400 characters.');
    expect(address.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(address));

    fireEvent.input(address, { target: { value: 'Acme Agency Ltd\n1 High Street\nLondon EC1A 1AA\n' } });
    const next = {
      ...settings,
      address: 'Acme Agency Ltd\n1 High Street\nLondon EC1A 1AA',
      tax_id: 'GB 123 4567 89',
      date_format: 'mmmm d, yyyy',
      amount_style: '1,234.56',
      paper: 'letter',
      version: 8,
    };
    api.PATCH.mockResolvedValueOnce(answer(200, next, '"8"'));
    fireEvent.click(within(general).getByRole('button', { name: 'Save' }));
    await within(general).findByText('Saved. The next invoice sent today will be INV-2026-0043.');
    expect(api.PATCH.mock.calls[1][1]).toEqual({
      params: { path: { tenant_id: 'acme' }, header: { 'If-Match': '"7"' } },
      body: {
        number_format: 'INV-{YYYY}-{SEQ:4}',
        credit_note_format: 'CN-{YYYY}-{SEQ:4}',
        currency: 'EUR',
        reminders: [-3, 7],
        footer: 'IBAN DE00',
        address: 'Acme Agency Ltd\n1 High Street\nLondon EC1A 1AA',
        tax_id: 'GB 123 4567 89',
        date_format: 'mmmm d, yyyy',
        amount_style: '1,234.56',
        paper: 'letter',
      },
    });
    expect(address.getAttribute('aria-invalid')).toBeNull();
    expect(address.value).toBe('Acme Agency Ltd\n1 High Street\nLondon EC1A 1AA');
    expect((within(documents).getByLabelText('Tax ID') as HTMLInputElement).value).toBe('GB 123 4567 89');
    expect(paper.value).toBe('letter');
  });

  it('shows Kre8ivTech staff how documents look, without changing it', async () => {
    open('staff');
    const general = await screen.findByRole('region', { name: 'Numbers, currency and reminders' });
    const documents = within(general).getByRole('group', { name: 'Documents' });
    for (const label of ['Address', 'Tax ID', 'Footer', 'Date format', 'Amount format', 'Paper size'])
      expect((within(documents).getByLabelText(label) as HTMLInputElement).disabled).toBe(true);
    expect(within(general).queryByRole('button', { name: 'Save' })).toBeNull();
  });

  it('places the tax rates’ errors on their rows', async () => {
    open('partner');
    const rates = await screen.findByRole('region', { name: 'Tax rates' });
    fireEvent.click(within(rates).getByRole('button', { name: 'Add tax rate' }));
    const row = within(rates).getByRole('group', { name: 'Rate 2' });
    fireEvent.input(within(row).getByLabelText('Name'), { target: { value: 'GST' } });
    fireEvent.input(within(row).getByLabelText('Percent'), { target: { value: '5' } });
    fireEvent.click(within(row).getByLabelText('Included in prices'));
    fireEvent.click(within(row).getByLabelText('Compound (on top of the other taxes)'));
    api.PATCH.mockResolvedValueOnce(invalid('tax_rates[1].compound', 'an inclusive rate is not compound'));
    fireEvent.click(within(rates).getByRole('button', { name: 'Save tax rates' }));
    await within(rates).findByText('A rate included in prices cannot be compound.');
    expect(api.PATCH.mock.calls[0][1].body).toEqual({
      tax_rates: [
        { id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false },
        { id: null, name: 'GST', percent: '5', inclusive: true, compound: true },
      ],
    });
  });

  it('lets a super admin write the default terms, with each error on its field', async () => {
    open('super_admin');
    const terms = await screen.findByRole('region', { name: 'Default payment terms' });
    fireEvent.change(within(terms).getByLabelText('Payment terms'), { target: { value: 'custom' } });
    fireEvent.input(within(terms).getByLabelText('Days until due'), { target: { value: 'ten' } });
    fireEvent.click(within(terms).getByRole('button', { name: 'Save default terms' }));
    await within(terms).findByText('Enter a whole number of days.');

    fireEvent.input(within(terms).getByLabelText('Days until due'), { target: { value: '45' } });
    fireEvent.click(within(terms).getByLabelText('Offer a discount for paying early'));
    fireEvent.input(within(terms).getByLabelText('Within days of sending'), { target: { value: '60' } });
    api.PATCH.mockResolvedValueOnce(invalid('terms.early_discount.days', 'use at least 1 day, fewer than the payment term'));
    fireEvent.click(within(terms).getByRole('button', { name: 'Save default terms' }));
    await within(terms).findByText('Enter at least 1 day, fewer than the days until due.');
    expect(within(terms).getByLabelText('Within days of sending').getAttribute('aria-invalid')).toBe('true');
    expect(api.PATCH.mock.calls[0][1].body).toEqual({
      terms: { name: 'Net 45', due_days: 45, early_discount: { percent: '2', days: 60 }, late_fee: null, interest: null },
    });

    const parties = screen.getByRole('region', { name: 'Terms of single clients' });
    const globex = await within(parties).findByRole('article', { name: 'Globex' });
    fireEvent.click(within(globex).getByRole('button', { name: 'Remove…' }));
    api.DELETE.mockResolvedValueOnce(answer(204, null));
    fireEvent.click(within(globex).getByRole('button', { name: 'Give Globex the default terms' }));
    await waitFor(() =>
      expect(api.DELETE).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/billing/terms/{party_kind}/{party_id}', {
        params: { path: { tenant_id: 'acme', party_kind: 'orgs', party_id: 'globex' } },
      }),
    );
  });

  it('connects the tenant’s Stripe account: the webhook to set up, the keys with their errors, never shown back', async () => {
    open('partner');
    const section = await screen.findByRole('region', { name: 'Online payments' });
    await within(section).findByText('Not connected');
    const url = within(section).getByLabelText('Endpoint URL') as HTMLInputElement;
    expect(url.value).toBe(`${location.origin}/api/v1/webhooks/stripe/acme`);
    expect(url.readOnly).toBe(true);
    for (const e of ['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded']) within(section).getByText(e);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    fireEvent.click(within(section).getByRole('button', { name: 'Copy URL' }));
    await within(section).findByText('Webhook URL copied.');
    expect(writeText).toHaveBeenCalledWith(url.value);

    const form = within(section).getByRole('form', { name: 'Connect your Stripe account' });
    const secret = within(form).getByLabelText('Secret key') as HTMLInputElement;
    const signing = within(form).getByLabelText('Webhook signing secret') as HTMLInputElement;
    expect(secret.type).toBe('password');
    expect(signing.type).toBe('password');
    fireEvent.input(secret, { target: { value: 'sk_live_123456789012' } });
    fireEvent.input(signing, { target: { value: 'whsec_123456789012' } });
    fireEvent.input(within(form).getByLabelText('Publishable key'), { target: { value: 'pk_test_123456789012' } });
    api.PUT.mockResolvedValueOnce(invalid('publishable_key', 'use keys of the same mode (both live or both test)'));
    fireEvent.click(within(form).getByRole('button', { name: 'Connect Stripe' }));
    await within(form).findByText('Use keys of the same mode: both live or both test.');

    fireEvent.input(within(form).getByLabelText('Publishable key'), { target: { value: 'pk_live_123456789012' } });
    // Bank debits besides cards: off unless ticked, with what to do in Stripe first.
    const debits = within(form).getByLabelText('Also take US bank account (ACH) debits on USD invoices') as HTMLInputElement;
    expect(debits.checked).toBe(false);
    expect(document.getElementById(debits.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /^Turn the payment method on in Stripe’s dashboard first\./,
    );
    fireEvent.click(debits);
    const connected = {
      connected: true,
      provider: 'stripe',
      live: true,
      bank_debits: true,
      publishable_key: 'pk_live_123456789012',
      connected_at: '2026-03-01T10:00:00Z',
      webhook_path: '/api/v1/webhooks/stripe/acme',
    };
    api.PUT.mockResolvedValueOnce(answer(200, connected));
    fireEvent.click(within(form).getByRole('button', { name: 'Connect Stripe' }));
    await within(section).findByText('Connected to Stripe in live mode.');
    expect(api.PUT).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/billing/stripe', {
      params: { path: { tenant_id: 'acme' } },
      body: {
        secret_key: 'sk_live_123456789012',
        webhook_secret: 'whsec_123456789012',
        publishable_key: 'pk_live_123456789012',
        bank_debits: true,
      },
    });
    within(section).getByText('Connected');
    within(section).getByText('Takes cards and US bank debits (ACH)');
    within(section).getByText('Live: real payments');
    within(section).getByText('pk_live_123456789012', { selector: 'dd' });
    // The secrets are gone from the form and never come back.
    const replace = within(section).getByRole('form', { name: 'Replace the keys' });
    expect((within(replace).getByLabelText('Secret key') as HTMLInputElement).value).toBe('');
    // The box says what the connection does.
    expect((within(replace).getByLabelText('Also take US bank account (ACH) debits on USD invoices') as HTMLInputElement).checked).toBe(
      true,
    );
    expect(section.textContent).not.toContain('sk_live_123456789012');
    expect(section.textContent).not.toContain('whsec_123456789012');

    fireEvent.click(within(section).getByRole('button', { name: 'Disconnect…' }));
    stripe = notConnected;
    api.DELETE.mockResolvedValueOnce(answer(204, null));
    fireEvent.click(within(section).getByRole('button', { name: 'Disconnect now' }));
    await within(section).findByText('Disconnected. Clients now pay as the terms on their invoices say.');
    within(section).getByText('Not connected');
    expect(api.DELETE).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/billing/stripe', { params: { path: { tenant_id: 'acme' } } });
  });

  it('names the demo’s local stand-in for what it is', async () => {
    stripe = {
      connected: true,
      provider: 'local',
      live: false,
      publishable_key: 'pk_local_1',
      connected_at: '2026-03-01T10:00:00Z',
      webhook_path: '/api/v1/webhooks/stripe/acme',
    };
    open('super_admin');
    const section = await screen.findByRole('region', { name: 'Online payments' });
    await within(section).findByText('Local stand-in (the demo’s test payments: no Stripe account, no money moves)');
    within(section).getByText('Test: no real money');
    within(section).getByText('Takes cards');
  });
});
