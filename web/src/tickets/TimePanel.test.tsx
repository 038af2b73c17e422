import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { me, type Me } from '../app/session';
import type { Ticket } from './api';
import { TimePanel } from './TimePanel';

const api = vi.hoisted(() => ({
  listTime: vi.fn(),
  logTime: vi.fn(),
  deleteTime: vi.fn(),
}));
vi.mock('./api', () => api);

const ticket = { id: 't1', tenant_id: 'acme' } as Ticket;
const entry = (id: string, user_id: string, minutes: number) => ({
  id,
  user_id,
  minutes,
  work_date: '2026-12-01',
  note: '',
  billable: true,
  created_at: '2026-12-01T10:00:00Z',
});

function signedInAs(id: string, role: string) {
  me.value = { user: { id, role, tenant: 'kt', name: 'Sky' } } as unknown as Me;
}

afterEach(() => {
  vi.resetAllMocks();
  localStorage.clear();
});

describe('TimePanel', () => {
  it('shows totals and offers removal only of their own entries to staff', async () => {
    signedInAs('u1', 'staff');
    api.listTime.mockResolvedValue({ entries: [entry('a', 'u1', 75), entry('b', 'u2', 30)], total_minutes: 105, billable_minutes: 75 });
    render(<TimePanel ticket={ticket} />);
    await screen.findByText('1 h 45 min');
    expect(screen.getAllByRole('button', { name: /^Remove / }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Remove 1 h 15 min on Dec 1, 2026',
    ]);
  });

  it('lets a super admin remove anyone’s entry', async () => {
    signedInAs('u9', 'super_admin');
    api.listTime.mockResolvedValue({ entries: [entry('b', 'u2', 30)], total_minutes: 30, billable_minutes: 30 });
    render(<TimePanel ticket={ticket} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove 30 min on Dec 1, 2026' }));
    await waitFor(() => expect(api.deleteTime).toHaveBeenCalledWith('acme', 't1', 'b'));
  });

  it('sends h:mm as minutes and keeps what was typed when the duration cannot be read', async () => {
    signedInAs('u1', 'staff');
    api.listTime.mockResolvedValue({ entries: [], total_minutes: 0, billable_minutes: 0 });
    api.logTime.mockResolvedValue(entry('c', 'u1', 75));
    render(<TimePanel ticket={ticket} />);
    const duration = (await screen.findByLabelText('Duration')) as HTMLInputElement;

    fireEvent.input(duration, { target: { value: 'an hour' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log time' }));
    await screen.findByText('Type minutes (45) or hours and minutes (1:15).');
    expect(api.logTime).not.toHaveBeenCalled();
    expect(duration.value).toBe('an hour');

    fireEvent.input(duration, { target: { value: '1:15' } });
    fireEvent.input(screen.getByLabelText('Note (optional)'), { target: { value: 'Fixed it' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log time' }));
    await waitFor(() =>
      expect(api.logTime).toHaveBeenCalledWith('acme', 't1', expect.objectContaining({ minutes: 75, note: 'Fixed it', billable: true })),
    );
  });

  it('fills in the timed minutes, rounded up, when the timer stops', async () => {
    signedInAs('u1', 'staff');
    api.listTime.mockResolvedValue({ entries: [], total_minutes: 0, billable_minutes: 0 });
    localStorage.setItem('kt-timer:t1', String(Date.now() - 61_000));
    render(<TimePanel ticket={ticket} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Stop timer' }));
    expect((screen.getByLabelText('Duration') as HTMLInputElement).value).toBe('2');
    expect(localStorage.getItem('kt-timer:t1')).toBeNull();
    screen.getByRole('button', { name: 'Start timer' });
  });

  it('marks billed time with a link to its invoice, and offers no removal of it', async () => {
    signedInAs('u1', 'super_admin');
    api.listTime.mockResolvedValue({
      entries: [{ ...entry('a', 'u1', 90), invoice_id: 'inv7' }, entry('b', 'u1', 30)],
      total_minutes: 120,
      billable_minutes: 120,
    });
    render(<TimePanel ticket={ticket} />);
    const billed = await screen.findByRole('link', { name: /^Billed/ });
    expect(billed.textContent).toBe('Billed');
    expect(billed.getAttribute('href')).toBe('/invoices/acme/inv7');
    screen.getByText('Billed on an invoice, so it cannot be removed.');
    // Only the unbilled entry can be removed, even by a super admin.
    expect(screen.getAllByRole('button', { name: /^Remove / }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Remove 30 min on Dec 1, 2026',
    ]);
  });

  it('says why time an invoice took meanwhile stays', async () => {
    signedInAs('u1', 'staff');
    api.listTime.mockResolvedValue({ entries: [entry('a', 'u1', 30)], total_minutes: 30, billable_minutes: 30 });
    api.deleteTime.mockRejectedValue(
      new ApiError(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'an invoice bills this time entry' }),
    );
    render(<TimePanel ticket={ticket} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove 30 min on Dec 1, 2026' }));
    await screen.findByText('An invoice bills this time, so it stays. Take it off the invoice first.');
  });
});
