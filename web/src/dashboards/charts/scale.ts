// Small helpers the charts draw with: linear scales, readable tick steps and weekly buckets.

/** Maps `[d0, d1]` onto `[r0, r1]` linearly (a zero-width domain maps to r0). */
export function linear([d0, d1]: [number, number], [r0, r1]: [number, number]): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** A round top for an axis reaching `max`, and the ticks from 0 to it (at most about `count` + 1). */
export function niceTicks(max: number, count = 4): { top: number; ticks: number[] } {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { top, ticks };
}

export interface Day {
  date: string;
  created: number;
  resolved: number;
  first_met: number;
  first_missed: number;
  resolution_met: number;
  resolution_missed: number;
  ratings: number;
  rating_sum: number;
}

export interface Week {
  /** The first day of the week, `yyyy-mm-dd`. */
  start: string;
  /** The last day, `yyyy-mm-dd`. */
  end: string;
  created: number;
  resolved: number;
  firstMet: number;
  firstMissed: number;
  resolutionMet: number;
  resolutionMissed: number;
  ratings: number;
  ratingSum: number;
}

/** Days (oldest first) in weeks of seven ending with the last day; a partial first week is dropped. */
export function weekly(days: Day[]): Week[] {
  const weeks: Week[] = [];
  for (let end = days.length; end - 7 >= 0; end -= 7) {
    const slice = days.slice(end - 7, end);
    const sum = (f: (d: Day) => number) => slice.reduce((a, d) => a + f(d), 0);
    weeks.unshift({
      start: slice[0].date,
      end: slice[6].date,
      created: sum((d) => d.created),
      resolved: sum((d) => d.resolved),
      firstMet: sum((d) => d.first_met),
      firstMissed: sum((d) => d.first_missed),
      resolutionMet: sum((d) => d.resolution_met),
      resolutionMissed: sum((d) => d.resolution_missed),
      ratings: sum((d) => d.ratings),
      ratingSum: sum((d) => d.rating_sum),
    });
  }
  return weeks;
}

/** Share met in percent (one decimal), or null with nothing measured. */
export function percent(met: number, missed: number): number | null {
  const total = met + missed;
  return total === 0 ? null : Math.round((met / total) * 1000) / 10;
}

/** `2026-11-23` as `23 Nov`. */
export function shortDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** The `yyyy-mm-dd` of `days` days before `now` (UTC). */
export function daysAgo(days: number, now = new Date()): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}
