import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { InvoiceQuery, InvoiceSummary, StatusTotal } from '../invoices/api';
import {
  byUrgency,
  OverdueInvoices,
  PendingInvoices,
  pendingInvoices,
  RecurringFigures,
  RevenueOverview,
  RevenueWidget,
  type Pending,
} from './billing';

const summary = (s: Partial<InvoiceSummary> & Pick<InvoiceSummary, 'id'>): InvoiceSummary => ({
  number: `INV-${s.id}`,
  status: 'sent',
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  currency: 'EUR',
  total: '100.00',
  paid: '0.00',
  balance: '100.00',
  past_due: false,
  issued_on: '2026-03-01',
  due_on: '2026-03-31',
  created_at: '2026-03-01T10:00:00Z',
  ...s,
});

describe('pending invoices', () => {
  it('reads each open status (per organization when there are several), most urgent first', async () => {
    const read = vi.fn(async (_tenant: string, q: InvoiceQuery) => {
      const items: Record<string, InvoiceSummary[]> = {
        'globex/sent': [summary({ id: 'a', due_on: '2026-04-10' })],
        'globex/overdue': [summary({ id: 'b', status: 'overdue', due_on: '2026-02-01', past_due: true })],
        'initech/viewed': [
          summary({ id: 'c', status: 'viewed', due_on: '2026-03-20' }),
          summary({ id: 'z', status: 'viewed', balance: '0.00' }),
        ],
        'initech/partial': [summary({ id: 'd', status: 'partial', due_on: null })],
      };
      return { items: items[`${q.org_id}/${q.status}`] ?? [] };
    });
    const orgs = [
      { id: 'globex', name: 'Globex' },
      { id: 'initech', name: 'Initech' },
    ];
    const pending = await pendingInvoices('acme', orgs, read);
    expect(pending.map((p) => [p.id, p.org])).toEqual([
      ['b', 'Globex'],
      ['c', 'Initech'],
      ['a', 'Globex'],
      ['d', 'Initech'],
    ]);
    expect(read).toHaveBeenCalledTimes(8);
    expect(read.mock.calls.map(([, q]) => q.status).slice(0, 4)).toEqual(['sent', 'viewed', 'partial', 'overdue']);

    read.mockClear();
    await pendingInvoices('acme', [orgs[0]], read);
    expect(read.mock.calls.every(([, q]) => q.org_id === undefined)).toBe(true);
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('puts past-due first, then the soonest due', () => {
    const p = (id: string, due_on: string | null, past_due = false): Pending => summary({ id, due_on, past_due });
    expect([p('a', null), p('b', '2026-05-01'), p('c', '2026-06-01', true), p('d', '2026-04-01')].sort(byUrgency).map((x) => x.id)).toEqual(
      ['c', 'd', 'b', 'a'],
    );
  });

  it('lists them with the balance, the due day and past-due marked in words', () => {
    const items: Pending[] = [
      summary({ id: 'b', number: 'INV-0002', status: 'overdue', balance: '1234.50', past_due: true, due_on: '2026-02-01' }),
      summary({ id: 'a', number: 'INV-0001', org: 'Globex' } as Pending),
    ];
    render(<PendingInvoices tenantId="acme" items={items} />);
    const rows = screen.getAllByRole('listitem');
    expect(within(rows[0]).getByRole('link', { name: 'INV-0002' }).getAttribute('href')).toBe('/invoices/acme/b');
    within(rows[0]).getByText('€1,234.50');
    within(rows[0]).getByText('Past due');
    within(rows[1]).getByText('· Globex', { exact: false });
    expect(within(rows[1]).queryByText('Past due')).toBeNull();
  });

  it('says when nothing waits', () => {
    render(<PendingInvoices tenantId="acme" items={[]} />);
    screen.getByText('No invoices waiting for payment.');
  });
});

describe('revenue widgets', () => {
  const totals: StatusTotal[] = [
    { status: 'paid', currency: 'EUR', count: 3, amount: '300.00' },
    { status: 'sent', currency: 'EUR', count: 1, amount: '50.00' },
    { status: 'overdue', currency: 'EUR', count: 2, amount: '75.25' },
    { status: 'overdue', currency: 'USD', count: 1, amount: '10.00' },
  ];

  it('shows paid, outstanding and overdue per currency, labelled for what they are', () => {
    render(<RevenueOverview totals={totals} whose="Your clients’ invoices" />);
    const lists = screen.getAllByRole('term').map((t) => `${t.textContent}: ${t.nextElementSibling?.textContent}`);
    expect(lists).toEqual([
      'Paid (3): €300.00',
      'Outstanding (3): €125.25',
      'Overdue (2): €75.25',
      'Paid (0): $0.00',
      'Outstanding (1): $10.00',
      'Overdue (1): $10.00',
    ]);
    screen.getByRole('heading', { name: 'USD' });
    screen.getByText(/^Your clients’ invoices, all sent so far \(not monthly revenue\)/);
  });

  it('counts the overdue invoices and links to them', () => {
    render(<OverdueInvoices totals={totals} />);
    screen.getByText('3');
    screen.getByText('€75.25');
    screen.getByText('$10.00');
    expect(screen.getByRole('link', { name: 'See the overdue invoices' }).getAttribute('href')).toBe('/invoices?status=overdue');
  });

  it('says when there is nothing to show', () => {
    render(
      <>
        <RevenueOverview totals={[]} />
        <OverdueInvoices totals={totals.filter((t) => t.status !== 'overdue')} />
      </>,
    );
    screen.getByText('No invoices sent yet.');
    screen.getByText('No overdue invoices.');
  });
});

describe('recurring revenue', () => {
  it('shows MRR, ARR and the active schedules per currency, skipping currencies with none', () => {
    render(
      <RecurringFigures
        items={[
          { currency: 'EUR', schedules: 2, mrr: '1250.00', arr: '15000.00' },
          { currency: 'USD', schedules: 1, mrr: '10.00', arr: '120.00' },
          { currency: 'GBP', schedules: 0, mrr: '0.00', arr: '0.00' },
        ]}
      />,
    );
    const lists = screen.getAllByRole('term').map((t) => `${t.textContent}: ${t.nextElementSibling?.textContent}`);
    expect(lists).toEqual([
      'MRR: €1,250.00',
      'ARR: €15,000.00',
      'Active schedules: 2',
      'MRR: $10.00',
      'ARR: $120.00',
      'Active schedules: 1',
    ]);
    screen.getByRole('heading', { name: 'USD' });
    expect(screen.queryByRole('heading', { name: 'GBP' })).toBeNull();
    expect(screen.getAllByTitle('Monthly recurring revenue')).toHaveLength(2);
  });

  it('says when there is no recurring revenue, beside what the invoices hold', () => {
    render(<RevenueWidget revenues={{ recurring: [], totals: [{ status: 'paid', currency: 'EUR', count: 1, amount: '5.00' }] }} />);
    screen.getByText(/^No recurring revenue yet: no active recurring invoices\./);
    expect(screen.getByRole('link', { name: 'Set one up' }).getAttribute('href')).toBe('/invoices/recurring');
    screen.getByRole('heading', { name: 'Recurring' });
    screen.getByRole('heading', { name: 'Invoices sent' });
    screen.getByText('€5.00');
  });
});
