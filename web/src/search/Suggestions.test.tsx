import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';
import type { Hit } from './api';
import { FilingRecord } from './filing';
import { distinctTitles, Suggestions } from './Suggestions';

const api = vi.hoisted(() => ({ suggest: vi.fn() }));
vi.mock('./api', async (original) => ({ ...(await original<typeof import('./api')>()), ...api }));

const article = (id: string, title_html: string, tenant_id = 'acme'): Hit => ({
  kind: 'article',
  id,
  tenant_id,
  label: id,
  title_html,
  snippet_html: 'Pay by card',
  status: 'published',
  at: '2026-12-01T10:00:00Z',
});

beforeEach(() => {
  me.value = { user: { id: 'u1', role: 'client', tenant: 'acme', name: 'Dana' }, organizations: [] } as unknown as Me;
});
afterEach(() => vi.resetAllMocks());

describe('KB suggestions while filing', () => {
  it('leaves out a title already suggested', () => {
    const hits = [article('a1', 'Opening a <mark>ticket</mark>'), article('h1', 'Opening a ticket', 'house'), article('a2', 'Paying')];
    expect(distinctTitles(hits).map((h) => h.id)).toEqual(['a1', 'a2']);
  });

  it('suggests articles for the subject, each opening in a new tab, and records what was shown and opened', async () => {
    api.suggest.mockResolvedValue([
      article('a1', '<mark>Paying</mark> an invoice online'),
      article('h1', 'Resetting your password', 'house'),
    ]);
    const record = { show: vi.fn(), opened: vi.fn(async () => undefined) } as unknown as FilingRecord;
    const { rerender } = render(<Suggestions tenantId="acme" subject="" record={record} />);
    expect(screen.queryByRole('region')).toBeNull();
    rerender(<Suggestions tenantId="acme" subject="pay my invoce" record={record} />);
    const region = await screen.findByRole('region', { name: 'These articles may answer your question' });
    expect(api.suggest.mock.calls[0].slice(0, 2)).toEqual(['acme', 'pay my invoce']);
    const link = screen.getByRole('link', { name: 'Paying an invoice online (opens in a new tab)' });
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('href')).toBe('/kb/acme/a1');
    expect(screen.getByRole('link', { name: /Resetting your password/ }).getAttribute('href')).toBe('/kb/house/h1');
    expect(region.querySelector('mark')?.textContent).toBe('Paying');
    expect(screen.getByRole('status').textContent).toBe('2 articles may answer your question, listed below the subject.');
    await waitFor(() => expect(record.show).toHaveBeenCalledWith(['a1', 'h1']));
    link.addEventListener('click', (e) => e.preventDefault());
    fireEvent.click(link);
    expect(record.opened).toHaveBeenCalledWith('a1');
  });
});
