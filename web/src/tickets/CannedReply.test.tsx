import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useRef, useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ticket } from './api';

const workflow = vi.hoisted(() => ({ cannedFor: vi.fn() }));
vi.mock('./workflow', () => workflow);

import { CannedReplyBox } from './CannedReply';

const ticket = { id: 't1', tenant_id: 'acme', number: 'ACME-1001' } as Ticket;
const canned = [
  { id: 'c1', tenant_id: 'acme', title: 'Fixed, please confirm', shortcut: 'fixed', body: 'Hi Dana, ACME-1001 is fixed.' },
  { id: 'c2', tenant_id: 'kt', title: 'Need details', shortcut: 'details', body: 'Could you tell us more?' },
];

function Box() {
  const [value, setValue] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  return <CannedReplyBox ticket={ticket} label="Reply" value={value} onValue={setValue} textarea={ref} />;
}

function type(box: HTMLTextAreaElement, value: string) {
  box.value = value;
  box.setSelectionRange(value.length, value.length);
  fireEvent.input(box, { target: { value } });
}

afterEach(() => vi.resetAllMocks());

describe('CannedReplyBox', () => {
  it('offers the matches for "/shortcut" and inserts the filled body on Enter', async () => {
    workflow.cannedFor.mockResolvedValue(canned);
    render(<Box />);
    const box = screen.getByLabelText('Reply') as HTMLTextAreaElement;
    await waitFor(() => expect(workflow.cannedFor).toHaveBeenCalledWith(ticket));
    type(box, '/fi');
    const list = await screen.findByRole('listbox', { name: 'Matching canned responses' });
    const options = screen.getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Fixed, please confirm /fixedHi Dana, ACME-1001 is fixed.']);
    expect(box.getAttribute('aria-controls')).toBe(list.id);
    expect(box.getAttribute('aria-activedescendant')).toBe(options[0].id);
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(box.value).toBe('Hi Dana, ACME-1001 is fixed.'));
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('moves with the arrow keys, closes on Escape and stays out of ordinary text', async () => {
    workflow.cannedFor.mockResolvedValue(canned);
    render(<Box />);
    const box = screen.getByLabelText('Reply') as HTMLTextAreaElement;
    await waitFor(() => expect(workflow.cannedFor).toHaveBeenCalled());
    type(box, '/');
    await screen.findByRole('listbox');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[1].id);
    fireEvent.keyDown(box, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('listbox')).toBeNull());
    type(box, 'See /fixed');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('inserts from the button at the caret', async () => {
    workflow.cannedFor.mockResolvedValue(canned);
    render(<Box />);
    const box = screen.getByLabelText('Reply') as HTMLTextAreaElement;
    type(box, 'Thanks');
    fireEvent.click(screen.getByRole('button', { name: 'Canned response' }));
    const search = await screen.findByRole('combobox', { name: 'Find a canned response' });
    fireEvent.input(search, { target: { value: 'details' } });
    fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() => expect(box.value).toBe('Thanks\n\nCould you tell us more?'));
  });
});
