import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import type { Ticket } from './api';
import { LinksPanel } from './LinksPanel';

const workflow = vi.hoisted(() => ({
  listLinks: vi.fn(),
  addLink: vi.fn(),
  removeLink: vi.fn(),
  mergeInto: vi.fn(),
  ticketByNumber: vi.fn(),
}));
vi.mock('./workflow', async (actual) => ({ ...(await actual<typeof import('./workflow')>()), ...workflow }));

const ticket = { id: 't2', tenant_id: 'acme', number: 'ACME-1002', status: 'open', merged_into_id: null, version: 1 } as unknown as Ticket;
const found = (id: string, number: string, subject: string) => ({ id, tenant_id: 'acme', number, subject, status: 'new' }) as Ticket;

afterEach(() => vi.resetAllMocks());

async function openDialog() {
  workflow.listLinks.mockResolvedValue([]);
  render(<LinksPanel ticket={ticket} onMerged={async () => {}} />);
  fireEvent.click(await screen.findByRole('button', { name: 'Merge into…' }));
  const input = screen.getByLabelText('Merge into ticket number') as HTMLInputElement;
  const preview = input.ownerDocument.getElementById(input.getAttribute('aria-describedby')!.split(' ').pop()!)!;
  const confirm = screen.getByRole('button', { name: 'Merge and close ACME-1002' }) as HTMLButtonElement;
  return { input, preview, confirm };
}

const type = (input: HTMLInputElement, value: string) => fireEvent.input(input, { target: { value } });

describe('MergeDialog preview', () => {
  it('looks the number up once typing pauses and shows the ticket, or that there is none', async () => {
    const { input, preview, confirm } = await openDialog();
    expect(preview.getAttribute('aria-live')).toBe('polite');
    expect(preview.textContent).toBe('');
    workflow.ticketByNumber.mockResolvedValueOnce(found('t3', 'ACME-1003', 'Checkout fails on Safari'));
    type(input, 'ACME-100');
    type(input, 'ACME-1003');
    await waitFor(() => expect(preview.textContent).toBe('ACME-1003 · Checkout fails on Safari · New'));
    expect(workflow.ticketByNumber).toHaveBeenCalledTimes(1);
    expect(workflow.ticketByNumber).toHaveBeenCalledWith('acme', 'ACME-1003');
    expect(confirm.disabled).toBe(false);

    workflow.ticketByNumber.mockResolvedValueOnce(undefined);
    type(input, '1009');
    expect(preview.textContent).toBe(''); // the old ticket goes while typing
    await waitFor(() => expect(preview.textContent).toBe('No ticket ACME-1009 here'));
    expect(confirm.disabled).toBe(false);

    type(input, '');
    expect(preview.textContent).toBe('');
  });

  it('shows the server’s message on the number, and refuses this very ticket', async () => {
    const { input, preview, confirm } = await openDialog();
    workflow.ticketByNumber.mockRejectedValueOnce(
      new ApiError(422, {
        type: 'about:blank',
        status: 422,
        title: 'Invalid request',
        errors: [{ field: 'number', message: 'use a ticket number such as ACME-1002, or 1002' }],
      }),
    );
    type(input, 'soon');
    await waitFor(() => expect(preview.textContent).toBe('Enter a ticket number such as ACME-1002, or just 1002.'));
    expect(confirm.disabled).toBe(false);

    type(input, '1002');
    expect(preview.textContent).toBe('ACME-1002 is this ticket: it cannot merge into itself.');
    expect(confirm.disabled).toBe(true);
    fireEvent.submit(input.form!);
    expect(workflow.mergeInto).not.toHaveBeenCalled();
    type(input, '');
    await waitFor(() => expect(confirm.disabled).toBe(false));
  });

  it('shows only the latest lookup’s answer', async () => {
    const { input, preview } = await openDialog();
    let answerFirst: (t: Ticket) => void = () => {};
    workflow.ticketByNumber.mockReturnValueOnce(new Promise<Ticket>((resolve) => (answerFirst = resolve)));
    workflow.ticketByNumber.mockResolvedValueOnce(found('t4', 'ACME-1004', 'Second'));
    type(input, 'ACME-1003');
    await waitFor(() => expect(workflow.ticketByNumber).toHaveBeenCalledTimes(1));
    type(input, 'ACME-1004');
    await waitFor(() => expect(preview.textContent).toBe('ACME-1004 · Second · New'));
    answerFirst(found('t3', 'ACME-1003', 'First'));
    await new Promise((r) => setTimeout(r, 20));
    expect(preview.textContent).toBe('ACME-1004 · Second · New');
  });
});
