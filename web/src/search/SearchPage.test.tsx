import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { me, type Me } from '../app/session';
import type { Hit } from './api';
import { searchProblem } from './problems';
import SearchPage from './SearchPage';

const api = vi.hoisted(() => ({ search: vi.fn(), listSaved: vi.fn(), saveSearch: vi.fn(), deleteSaved: vi.fn() }));
vi.mock('./api', async (original) => ({ ...(await original<typeof import('./api')>()), ...api }));

const hit = (kind: string, id: string, title_html: string): Hit => ({
  kind,
  id,
  tenant_id: 'acme',
  label: kind === 'ticket' ? 'ACME-1002' : 'paying-an-invoice-online',
  title_html,
  snippet_html: '',
  status: null,
  at: '2026-12-01T10:00:00Z',
});
const counts = {
  hits: [],
  total: 4,
  kinds: [
    { kind: 'article', count: 1 },
    { kind: 'ticket', count: 3 },
  ],
};
const invalid = (field: string, message: string) =>
  new ApiError(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors: [{ field, message }] });

function show(address: string) {
  history.replaceState(null, '', address);
  return render(
    <LocationProvider>
      <SearchPage />
    </LocationProvider>,
  );
}

beforeEach(() => {
  me.value = { user: { id: 'u1', role: 'partner', tenant: 'acme', name: 'Pat Partner' }, organizations: [] } as unknown as Me;
  localStorage.clear();
  api.listSaved.mockResolvedValue([]);
  // The counts (limit 1) and the page.
  api.search.mockImplementation(async (_t: string, ask: { limit: number }) =>
    ask.limit === 1
      ? counts
      : {
          hits: [hit('ticket', 't1', '<mark>Invoice</mark> 2231'), hit('article', 'a1', 'Paying an <mark>invoice</mark>')],
          total: 4,
          kinds: [],
        },
  );
});
afterEach(() => vi.resetAllMocks());

describe('the search results page', () => {
  it('shows the tabs with their counts over every kind, and the page of the tab chosen', async () => {
    show('/search?q=invoce&type=article');
    const tab = await screen.findByRole('tab', { name: 'Articles 1' });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['All 4', 'Tickets 3', 'Articles 1']);
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(tab.id);
    await screen.findByRole('link', { name: 'Invoice 2231' });
    expect(screen.getByRole('link', { name: 'Invoice 2231' }).getAttribute('href')).toBe('/tickets/acme/t1');
    const asked = api.search.mock.calls.map(([, ask]) => ask);
    expect(asked).toContainEqual({ q: 'invoce', limit: 1, counts: true, submitted: false });
    expect(asked).toContainEqual({ q: 'invoce', types: ['article'], order: 'relevance', offset: 0, limit: 20 });
    // Loaded from its address: not a submitted search.
    expect(asked.some((a) => a.submitted)).toBe(false);
  });

  it('counts Enter as a submitted search, remembers it, and shows a malformed query’s fault at the box', async () => {
    show('/search?q=invoce');
    await screen.findByRole('link', { name: 'Invoice 2231' });
    const box = screen.getByLabelText('Search for') as HTMLInputElement;
    fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(api.search.mock.calls.some(([, ask]) => ask.submitted === true)).toBe(true));
    expect(JSON.parse(localStorage.getItem('kt.search.recent.u1')!)).toEqual(['invoce']);

    api.search.mockRejectedValue(invalid('q', 'close the quote opened at character 1'));
    fireEvent.input(box, { target: { value: '"broken' } });
    fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(box.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(box.getAttribute('aria-describedby')!.split(' ').pop()!)?.textContent).toBe(
      'Close the quote opened at character 1.',
    );
    expect(screen.queryByRole('button', { name: 'Save this search…' })).toBeNull();
  });

  it('saves the search under a name (a name taken said at its field) and deletes a saved one', async () => {
    api.listSaved.mockResolvedValue([{ id: 's1', name: 'Old', query: 'vat', types: ['ticket'], created_at: '2026-12-01T10:00:00Z' }]);
    show('/search?q=invoce&type=article');
    const saved = await screen.findByRole('link', { name: 'Old' });
    expect(saved.getAttribute('href')).toBe('/search?q=vat&type=ticket');
    fireEvent.click(await screen.findByRole('button', { name: 'Save this search…' }));
    const name = screen.getByLabelText('Name of the search') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(name));
    fireEvent.input(name, { target: { value: 'Old' } });
    // The call answers its faults worded (./api.ts).
    api.saveSearch.mockRejectedValueOnce(searchProblem(invalid('name', 'you have a saved search of this name')));
    fireEvent.click(screen.getByRole('button', { name: 'Save search' }));
    await screen.findByText('You already have a saved search with this name. Choose another.');
    expect(name.getAttribute('aria-invalid')).toBe('true');

    api.saveSearch.mockResolvedValueOnce({
      id: 's2',
      name: 'Invoices',
      query: 'invoce',
      types: ['article'],
      created_at: '2026-12-05T10:00:00Z',
    });
    fireEvent.input(name, { target: { value: 'Invoices' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save search' }));
    await screen.findByText('Saved as “Invoices”.');
    expect(api.saveSearch).toHaveBeenLastCalledWith('acme', 'Invoices', 'invoce', ['article']);

    api.deleteSaved.mockResolvedValueOnce(undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Delete the saved search Old' }));
    await screen.findByText('Deleted “Old”.');
    expect(api.deleteSaved).toHaveBeenCalledWith('acme', 's1');
  });
});
