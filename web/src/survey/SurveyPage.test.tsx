import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn() }));
vi.mock('../api/client', () => ({ api }));

import SurveyPage from './SurveyPage';

const answer = (status: number, body: unknown) => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: { ok: status < 300, status } as Response,
});
const survey = { portal_name: 'Acme Support', ticket_number: 'ACME-1003', subject: 'Logo blurry', status: 'resolved', satisfaction: null };

function open(url: string) {
  history.replaceState(null, '', url);
  render(
    <LocationProvider>
      <Router>
        <Route path="/survey/:token" component={SurveyPage} />
        <Route default component={() => <p>Elsewhere</p>} />
      </Router>
    </LocationProvider>,
  );
}

afterEach(() => vi.resetAllMocks());

describe('SurveyPage', () => {
  it('preselects the rating from the link but records it only on Send', async () => {
    api.GET.mockResolvedValue(answer(200, survey));
    api.POST.mockResolvedValue(answer(200, { ...survey, satisfaction: { rating: 2, comment: 'Slow' } }));
    open('/survey/tok123?rating=4');
    await screen.findByRole('heading', { level: 1, name: 'How did we do?' });
    expect(screen.getByText('Acme Support')).toBeTruthy();
    expect(screen.getByText('ACME-1003').closest('p')?.textContent).toBe('ACME-1003 Logo blurry');
    expect((screen.getByRole('radio', { name: '4 Satisfied' }) as HTMLInputElement).checked).toBe(true);
    expect(api.GET).toHaveBeenCalledWith('/api/v1/surveys/{token}', { params: { path: { token: 'tok123' } } });
    expect(api.POST).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('radio', { name: '2 Dissatisfied' }));
    fireEvent.input(screen.getByLabelText('Comment (optional)'), { target: { value: 'Slow' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByRole('heading', { level: 1, name: 'Thank you!' });
    expect(api.POST).toHaveBeenCalledWith('/api/v1/surveys/{token}', {
      params: { path: { token: 'tok123' } },
      body: { rating: 2, comment: 'Slow' },
    });
    expect(screen.getByText('Your rating of 2 of 5 (Dissatisfied) is recorded.')).toBeTruthy();
  });

  it('preselects nothing for a rating out of range', async () => {
    api.GET.mockResolvedValue(answer(200, survey));
    open('/survey/tok?rating=9');
    await screen.findByRole('heading', { level: 1, name: 'How did we do?' });
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);
  });

  it('shows an expired link', async () => {
    api.GET.mockResolvedValue(answer(404, { type: 'x', title: 'Not found', status: 404 }));
    open('/survey/old?rating=5');
    await screen.findByRole('heading', { level: 1, name: 'This link has expired' });
  });

  it('shows a rating already given, also when it arrives meanwhile', async () => {
    api.GET.mockResolvedValueOnce(answer(200, survey)).mockResolvedValueOnce(
      answer(200, { ...survey, satisfaction: { rating: 5, comment: '' } }),
    );
    api.POST.mockResolvedValue(answer(409, { type: 'x', title: 'Conflict', status: 409, detail: 'this ticket has been rated already' }));
    open('/survey/tok?rating=3');
    await screen.findByRole('heading', { level: 1, name: 'How did we do?' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByRole('heading', { level: 1, name: 'Already rated' });
    await waitFor(() => expect(screen.getByText('5 of 5 (Very satisfied)')).toBeTruthy());
  });
});
