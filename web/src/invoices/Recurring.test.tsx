import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PATCH: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import RecurringEditor from './RecurringEditor';
import RecurringList from './RecurringList';
import type { BillingSettings } from './api';
import type { Recurring } from './recurring';

const answer = (status: number, body: unknown, etag = '"4"') => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: new Response(null, { status, headers: { ETag: etag } }),
});

const settings: BillingSettings = {
  number_format: 'INV-{YYYY}-{SEQ:4}',
  next_number: 'INV-2026-0007',
  credit_note_format: 'CN-{YYYY}-{SEQ:4}',
  next_credit_note_number: 'CN-2026-0001',
  currency: 'EUR',
  tax_rates: [{ id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false }],
  platform_terms: { name: 'Net 30', due_days: 30 },
  presets: [],
  reminders: [],
  footer: '',
  address: '',
  tax_id: '',
  date_format: 'yyyy-mm-dd',
  amount_style: '1,234.56',
  paper: 'letter',
  version: 1,
};

const schedule = {
  id: 'r1',
  active: true,
  auto_charge: false,
  auto_send: false,
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  currency: 'EUR',
  discount: null,
  end_on: null,
  frequency: 'monthly',
  generated: 2,
  last_invoice_id: 'inv9',
  lines: [
    {
      description: 'Website care',
      quantity: '1',
      unit_price: '200.00',
      tax_rate_ids: ['vat'],
      amount: '200.00',
      discount_amount: '0.00',
      taxes: [],
      total: '238.00',
    },
  ],
  minor_units: 2,
  monthly: '238.00',
  next_on: '2026-06-01',
  notes: '',
  start_on: '2026-04-01',
  terms_text: '',
  total: '238.00',
  version: 4,
  created_at: '',
  updated_at: '',
} as Recurring;

function open(url: string, as = 'partner') {
  me.value = { user: { id: 'u1', role: as, tenant: 'acme', name: 'Pat' }, organizations: [] } as unknown as Me;
  history.replaceState(null, '', url);
  render(
    <LocationProvider>
      <Router>
        <Route path="/invoices/recurring" component={RecurringList} />
        <Route path="/invoices/recurring/new" component={RecurringEditor} />
        <Route path="/invoices/recurring/:recurringId" component={RecurringEditor} />
        <Route default component={() => <h1>Elsewhere</h1>} />
      </Router>
    </LocationProvider>,
  );
}

beforeEach(() => {
  api.GET.mockImplementation(async (path: string) => {
    if (path.endsWith('/billing/settings')) return answer(200, settings);
    if (path.endsWith('/orgs')) return answer(200, { items: [{ id: 'globex', name: 'Globex' }] });
    if (path.endsWith('/recurring-invoices'))
      return answer(200, {
        items: [schedule, { ...schedule, id: 'r2', active: false, billed: { kind: 'org', id: 'initech', name: 'Initech' } }],
      });
    if (path.endsWith('/recurring-invoices/{recurring_id}')) return answer(200, schedule);
    throw new Error(`unexpected GET ${path}`);
  });
});

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

describe('RecurringList', () => {
  it('lists each schedule with how often, the next day and the monthly amount, and pauses one', async () => {
    open('/invoices/recurring');
    await screen.findByRole('heading', { level: 1, name: 'Recurring invoices' });
    const nav = screen.getByRole('navigation', { name: 'Invoice lists' });
    expect(within(nav).getByRole('link', { name: 'Recurring invoices' }).getAttribute('aria-current')).toBe('page');
    const rows = await screen.findAllByRole('listitem');
    expect(
      within(rows[0])
        .getByRole('link', { name: /^Globex/ })
        .getAttribute('href'),
    ).toBe('/invoices/recurring/r1');
    within(rows[0]).getByText('Status:', { exact: false });
    within(rows[0]).getByText(/^Next invoice Jun 1, 2026 · €238.00 a month · 2 invoices so far/);
    within(rows[1]).getByText('Paused', { selector: '.badge' });
    within(rows[1]).getByRole('button', { name: 'Resume the invoices for Initech' });

    api.PATCH.mockResolvedValueOnce(answer(200, { ...schedule, active: false, version: 5 }, '"5"'));
    fireEvent.click(within(rows[0]).getByRole('button', { name: 'Pause the invoices for Globex' }));
    await screen.findByText('Paused the invoices for Globex.');
    expect(api.PATCH).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/recurring-invoices/{recurring_id}', {
      params: { path: { tenant_id: 'acme', recurring_id: 'r1' }, header: { 'If-Match': '"4"' } },
      body: { active: false },
    });
    within(rows[0]).getByRole('button', { name: 'Resume the invoices for Globex' });
  });

  it('tells a client these are not theirs, asking the server nothing', async () => {
    open('/invoices/recurring', 'client');
    await screen.findByText('Recurring invoices are kept by the portal’s owners.');
    expect(api.GET).not.toHaveBeenCalled();
  });
});

describe('RecurringEditor', () => {
  it('starts a monthly schedule with live totals, its key, and the server’s errors next to their fields', async () => {
    open('/invoices/recurring/new');
    await screen.findByRole('heading', { level: 1, name: 'New recurring invoice' });
    fireEvent.change(screen.getByLabelText('Bill to'), { target: { value: 'org:globex' } });
    const line = screen.getByRole('group', { name: 'Line 1' });
    type(within(line).getByLabelText('Description'), 'Website care');
    type(within(line).getByLabelText('Unit price (EUR)'), '200');
    fireEvent.click(within(line).getByLabelText('VAT 19%'));
    const each = screen.getByRole('region', { name: 'Each invoice' });
    within(each).getByText('€238.00', { selector: '.invoice-summary__total dd' });
    within(each).getByText('€238.00 a month while it runs.');
    fireEvent.change(screen.getByLabelText('How often'), { target: { value: 'quarterly' } });
    within(each).getByText('€79.33 a month while it runs.');
    fireEvent.change(screen.getByLabelText('How often'), { target: { value: 'monthly' } });
    type(screen.getByLabelText('First invoice on'), '2020-01-01');

    api.POST.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [
          { field: 'start_on', message: 'is more than a year ago' },
          { field: 'lines[0].quantity', message: 'use a quantity above 0 and under 1,000,000, with at most 4 decimals' },
        ],
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Start recurring invoice' }));
    await screen.findByText('Choose a day at most a year ago.');
    expect(screen.getByLabelText('First invoice on').getAttribute('aria-invalid')).toBe('true');
    expect(within(line).getByLabelText('Quantity').getAttribute('aria-invalid')).toBe('true');
    screen.getByText('Please correct the fields marked below.');

    type(screen.getByLabelText('First invoice on'), '2026-06-01');
    fireEvent.click(screen.getByLabelText(/^Send each invoice as it is made/));
    api.POST.mockResolvedValueOnce(answer(201, schedule));
    fireEvent.click(screen.getByRole('button', { name: 'Start recurring invoice' }));
    await screen.findByRole('heading', { level: 1, name: 'Recurring invoices' });
    const [first, second] = api.POST.mock.calls;
    expect(second[0]).toBe('/api/v1/tenants/{tenant_id}/recurring-invoices');
    expect(second[1].body).toMatchObject({
      billed: { org_id: 'globex' },
      frequency: 'monthly',
      start_on: '2026-06-01',
      end_on: null,
      auto_send: true,
      lines: [{ description: 'Website care', quantity: '1', unit_price: '200', tax_rate_ids: ['vat'] }],
    });
    expect(second[1].params.header['Idempotency-Key']).toBe(first[1].params.header['Idempotency-Key']);
  });

  it('edits a started schedule under its version, keeping how often and the first day, and pauses it', async () => {
    open('/invoices/recurring/r1');
    await screen.findByRole('heading', { level: 1, name: 'Recurring invoice for Globex' });
    expect(screen.queryByLabelText('How often')).toBeNull();
    screen.getByText(/^Monthly, from Apr 1, 2026\./);
    expect(screen.getByRole('link', { name: 'the latest' }).getAttribute('href')).toBe('/invoices/acme/inv9');

    api.PATCH.mockResolvedValueOnce(answer(200, { ...schedule, active: false, version: 5 }, '"5"'));
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await screen.findByText('Paused: no invoices are made until you resume it.');
    screen.getByRole('button', { name: 'Resume' });

    type(screen.getByLabelText('Notes'), 'Thank you');
    api.PATCH.mockResolvedValueOnce(answer(200, { ...schedule, notes: 'Thank you', version: 6 }, '"6"'));
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByRole('heading', { level: 1, name: 'Recurring invoices' });
    const [, body] = api.PATCH.mock.calls[1];
    expect(body.params.header).toEqual({ 'If-Match': '"5"' });
    expect(body.body).toMatchObject({ notes: 'Thank you', auto_send: false });
    expect(body.body).not.toHaveProperty('frequency');
  });

  it('says when someone changed it meanwhile', async () => {
    open('/invoices/recurring/r1');
    await screen.findByRole('heading', { level: 1, name: 'Recurring invoice for Globex' });
    api.PATCH.mockResolvedValueOnce(answer(412, { type: 'about:blank', title: 'Precondition failed', status: 412 }));
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByText(/^Someone else changed this recurring invoice since you opened it\./);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^Someone else changed/));
  });
});
