// Logged time as people type and read it: "45" or "1:15" in, "1 h 15 min" out; the quick
// timer's clock and its rounding up to the minute.

/** Minutes from "45" (minutes) or "1:15" (hours and minutes); null when it is neither. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const hm = s.match(/^(\d*):(\d{2})$/);
  if (hm && Number(hm[2]) < 60) return Number(hm[1] || 0) * 60 + Number(hm[2]);
  return null;
}

/** 75 -> "1 h 15 min", 60 -> "1 h", 45 -> "45 min", 0 -> "0 min". */
export function formatMinutes(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** What the duration field shows for a number of minutes: "45" under an hour, else "1:15". */
export function durationInput(total: number): string {
  if (total < 60) return String(total);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** A timed stretch in whole minutes, rounded up (a started minute counts), at least 1. */
export function timedMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** The running timer: 83_000 -> "1:23", 3_723_000 -> "1:02:03". */
export function formatClock(ms: number): string {
  const secs = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = String(secs % 60).padStart(2, '0');
  return h ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A `YYYY-MM-DD` day where the person is (not UTC). */
export function localDay(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "2026-12-01" -> "Dec 1, 2026", read as that calendar day wherever the person is. */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return new Date(y, m - 1, d).toLocaleDateString('en', { dateStyle: 'medium' });
}
