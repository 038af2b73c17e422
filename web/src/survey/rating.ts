// Satisfaction ratings: 1 (very dissatisfied) to 5 (very satisfied), as the survey mail's links
// carry them (?rating=N) and as the UI names them.

export const RATINGS = [
  { value: 1, label: 'Very dissatisfied' },
  { value: 2, label: 'Dissatisfied' },
  { value: 3, label: 'Neutral' },
  { value: 4, label: 'Satisfied' },
  { value: 5, label: 'Very satisfied' },
] as const;

/** `?rating=N` as a rating 1..5; anything else (missing, 0, 6, 4.5, "five") is no preselection. */
export function parseRating(raw: string | null | undefined): number | undefined {
  const text = (raw ?? '').trim();
  if (!/^[1-5]$/.test(text)) return undefined;
  return Number(text);
}

export const ratingLabel = (rating: number) => RATINGS.find((r) => r.value === rating)?.label ?? String(rating);

/** "4 of 5 (Satisfied)". */
export const describeRating = (rating: number) => `${rating} of 5 (${ratingLabel(rating)})`;

export interface Figures {
  count: number;
  average: number;
  by_rating: number[];
}

/** Several tenants' figures as one: counts add up, the average is weighted by count. */
export function combineFigures(all: readonly Figures[]): Figures {
  const by_rating = [0, 0, 0, 0, 0];
  let count = 0;
  let sum = 0;
  for (const f of all) {
    count += f.count;
    sum += f.average * f.count;
    f.by_rating.forEach((n, i) => {
      if (i < 5) by_rating[i] += n;
    });
  }
  return { count, average: count ? Math.round((sum / count) * 100) / 100 : 0, by_rating };
}

/** "4.3 / 5 from 12 ratings", or that there are none yet. */
export function formatAverage(f: Pick<Figures, 'count' | 'average'>): string {
  if (!f.count) return 'No ratings yet';
  return `${f.average.toFixed(1)} / 5 from ${f.count} rating${f.count === 1 ? '' : 's'}`;
}
