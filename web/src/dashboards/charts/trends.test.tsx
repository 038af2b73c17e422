import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { CsatChart, ResponseTimeChart, VolumeChart, type History } from './trends';

function history(): History {
  const days = Array.from({ length: 14 }, (_, i) => ({
    date: `2026-11-${String(i + 10).padStart(2, '0')}`,
    created: i < 7 ? 2 : 3,
    resolved: i < 7 ? 1 : 4,
    first_met: 1,
    first_missed: i % 7 === 0 ? 1 : 0,
    resolution_met: 1,
    resolution_missed: 0,
    ratings: i % 7 === 0 ? 2 : 0,
    rating_sum: i % 7 === 0 ? 9 : 0,
  }));
  const buckets = ['15 min', '1 h', '4 h', '8 h', '1 day', '3 days', 'longer'];
  return {
    from: days[0].date,
    to: days[13].date,
    days,
    first_response: buckets.map((label, i) => ({ label, upto_minutes: i < 6 ? 15 : null, count: 6 - i })),
  };
}

describe('trend charts', () => {
  it('say the figures in words and in a table, the same as drawn', () => {
    render(<VolumeChart history={history()} />);
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe(
      'Over the last 2 weeks 35 tickets were filed and 35 resolved; this week 21 filed and 28 resolved.',
    );
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual(['PeriodFiledResolved', '10 Nov147', '17 Nov2128']);
    expect(screen.getByRole('list').textContent).toBe('FiledResolved');
  });

  it('draws the satisfaction average per week and the response-time buckets', () => {
    const csat = render(<CsatChart history={history()} />);
    expect(
      within(csat.container as HTMLElement)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['4.5', '4.5']);
    csat.unmount();
    const times = render(<ResponseTimeChart history={history()} />);
    expect(within(times.container as HTMLElement).getAllByText('Within 15 min')).toHaveLength(2);
    expect(
      within(times.container as HTMLElement)
        .getAllByRole('list')[0]
        .getAttribute('aria-label'),
    ).toBe('21 first responses in the last eight weeks; 11 within an hour.');
  });

  it('says so when the period is empty', () => {
    const empty = history();
    empty.days = empty.days.map((d) => ({ ...d, created: 0, resolved: 0, ratings: 0 }));
    render(<VolumeChart history={empty} />);
    expect(screen.getByText('No tickets in this period yet.')).toBeTruthy();
  });
});
