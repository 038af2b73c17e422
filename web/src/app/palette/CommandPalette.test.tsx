import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/problem';
import type { Hit } from '../../search';
import { me, type Me } from '../session';
import CommandPalette from './CommandPalette';

const search = vi.hoisted(() => vi.fn());
vi.mock('../../search/api', async (original) => ({ ...(await original<typeof import('../../search/api')>()), search }));

const hit = (kind: string, id: string, title_html: string): Hit => ({
  kind,
  id,
  tenant_id: 'acme',
  label: kind === 'ticket' ? 'ACME-1003' : '',
  title_html,
  snippet_html: 'Customers tap <mark>Pay</mark> &amp; nothing happens',
  status: kind === 'ticket' ? 'open' : 'published',
  at: '2026-12-01T10:00:00Z',
});

function open() {
  const onClose = vi.fn();
  render(
    <LocationProvider>
      <CommandPalette onClose={onClose} />
    </LocationProvider>,
  );
  return { onClose, box: screen.getByRole('combobox') as HTMLInputElement };
}

const type = (box: HTMLInputElement, text: string) => fireEvent.input(box, { target: { value: text } });
const key = (box: HTMLInputElement, k: string) => fireEvent.keyDown(box, { key: k });

beforeEach(() => {
  me.value = { user: { id: 'u1', role: 'partner', tenant: 'acme', name: 'Pat Partner' }, organizations: [] } as unknown as Me;
  localStorage.clear();
  history.replaceState(null, '', '/');
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
afterEach(() => vi.resetAllMocks());

describe('the command palette’s search', () => {
  it('groups what the search finds by kind, marks the words, and opens the one chosen with the keyboard', async () => {
    search.mockResolvedValue({
      hits: [hit('article', 'a1', '<mark>Paying</mark> an invoice online'), hit('ticket', 't1', '<mark>Checkout</mark> button')],
      total: 9,
      kinds: [],
    });
    const { box, onClose } = open();
    type(box, 'chekout');
    await screen.findByRole('group', { name: 'Tickets' });
    expect(search).toHaveBeenCalledTimes(1);
    expect(search.mock.calls[0][0]).toBe('acme');
    expect(search.mock.calls[0][1]).toMatchObject({ q: 'chekout' });
    expect(screen.getAllByRole('group').map((g) => document.getElementById(g.getAttribute('aria-labelledby')!)?.textContent)).toEqual([
      'Tickets',
      'Articles',
    ]);
    const options = screen.getAllByRole('option');
    // Tickets first, then articles, then "See all".
    expect(options.map((o) => o.textContent)).toEqual([
      expect.stringContaining('Checkout button'),
      expect.stringContaining('Paying an invoice online'),
      'See all 9 results for “chekout”',
    ]);
    expect(options[0].querySelector('mark')?.textContent).toBe('Checkout');
    expect(options[0].textContent).toContain('Ticket · ACME-1003 · Open');
    // Nothing is chosen until the arrows choose.
    expect(box.getAttribute('aria-activedescendant')).toBeNull();
    key(box, 'ArrowDown');
    expect(box.getAttribute('aria-activedescendant')).toBe(options[0].id);
    expect(options[0].getAttribute('aria-selected')).toBe('true');
    key(box, 'ArrowDown');
    key(box, 'ArrowUp');
    key(box, 'Enter');
    expect(onClose).toHaveBeenCalled();
    expect(location.pathname).toBe('/tickets/acme/t1');
    expect(JSON.parse(localStorage.getItem('kt.search.recent.u1')!)).toEqual(['chekout']);
  });

  it('opens the results page on Enter with nothing chosen', async () => {
    search.mockResolvedValue({ hits: [hit('ticket', 't1', 'Checkout')], total: 1, kinds: [] });
    const { box } = open();
    type(box, 'zzz checkout');
    await screen.findByRole('option', { name: /Checkout/ });
    key(box, 'Enter');
    expect(location.pathname + location.search).toBe('/search?q=zzz+checkout');
  });

  it('keeps the places: the first that matches is chosen, as before', async () => {
    search.mockResolvedValue({ hits: [], total: 0, kinds: [] });
    const { box } = open();
    type(box, 'clients');
    const place = screen.getByRole('option', { name: 'Go to Clients' });
    expect(box.getAttribute('aria-activedescendant')).toBe(place.id);
    key(box, 'Enter');
    expect(location.pathname).toBe('/clients');
  });

  it('says when nothing matches, and shows the query’s fault', async () => {
    search.mockResolvedValueOnce({ hits: [], total: 0, kinds: [] });
    const { box } = open();
    type(box, 'zzqx');
    await screen.findByText('No results for “zzqx”');
    expect(screen.queryAllByRole('option')).toHaveLength(0);
    search.mockRejectedValueOnce(
      new ApiError(422, {
        type: 'about:blank',
        title: 'Some fields are not valid',
        status: 422,
        errors: [{ field: 'q', message: 'close the quote opened at character 1' }],
      }),
    );
    type(box, '"broken');
    await screen.findByText('Close the quote opened at character 1.');
  });

  it('lists the person’s recent searches while the box is empty; choosing one searches it', async () => {
    localStorage.setItem('kt.search.recent.u1', JSON.stringify(['invoice', 'password']));
    search.mockResolvedValue({ hits: [], total: 0, kinds: [] });
    const { box } = open();
    const recent = screen.getByRole('group', { name: 'Recent searches' });
    expect(recent.textContent).toContain('invoice');
    key(box, 'ArrowDown');
    key(box, 'Enter');
    expect(box.value).toBe('invoice');
    await waitFor(() => expect(search).toHaveBeenCalled());
    expect(search.mock.calls[0][1]).toMatchObject({ q: 'invoice' });
  });
});
