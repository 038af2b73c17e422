// Business-hours shifts as people type them: "09:00-12:00, 13:00-17:00" (empty: closed).
export interface Shift {
  start: string;
  end: string;
}

const SHIFT = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/;

/** The shifts of one day, or the text that could not be read. */
export function parseShifts(text: string): Shift[] | { bad: string } {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const shifts: Shift[] = [];
  for (const part of parts) {
    const m = SHIFT.exec(part);
    if (!m) return { bad: part };
    const pad = (t: string) => t.padStart(5, '0');
    shifts.push({ start: pad(m[1]), end: pad(m[2]) });
  }
  return shifts;
}

export const formatShifts = (shifts: Shift[]) => shifts.map((s) => `${s.start}-${s.end}`).join(', ');
