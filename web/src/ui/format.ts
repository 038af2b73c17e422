// Human-readable times and durations.

const UNITS: [number, string][] = [
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** 5400 -> "1.5 hours", 610 -> "10 minutes", 30 -> "less than a minute" (hours and days to the half). */
export function formatDuration(secs: number): string {
  if (secs < 60) return 'less than a minute';
  for (const [size, unit] of UNITS) {
    if (secs >= size) {
      const n = size === 60 ? Math.round(secs / size) : Math.round((secs / size) * 2) / 2;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return 'less than a minute';
}

/** The estimated first response as a range: "within 4 hours" or "1 hour to 3 hours". */
export function formatEstimate({ low_secs, high_secs }: { low_secs: number; high_secs: number }): string {
  if (low_secs <= 0 || formatDuration(low_secs) === formatDuration(high_secs)) return `within ${formatDuration(high_secs)}`;
  return `${formatDuration(low_secs)} to ${formatDuration(high_secs)}`;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago", "yesterday"; `now` for tests. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const secs = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(secs);
  if (abs < 45) return 'just now';
  for (const [size, unit] of [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ] as const) {
    if (abs >= size) return relative.format(Math.round(secs / size), unit);
  }
  return 'just now';
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}
