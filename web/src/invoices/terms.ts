// Payment terms in words, and as the settings form edits them: a preset (Net 15/30/45/60, Due
// on receipt) or a number of days, an early-payment discount, a late fee and interest.
import type { Terms } from './api';
import { formatMoney, formatPercent } from './money';

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** The terms as sentences; `currency` words a fixed late fee. */
export function describeTerms(t: Terms, currency?: string): string[] {
  const out = [t.due_days === 0 ? 'Due on receipt.' : `Due ${days(t.due_days)} after the invoice is sent.`];
  if (t.early_discount) {
    out.push(`${formatPercent(t.early_discount.percent)} off when paid within ${days(t.early_discount.days)}.`);
  }
  if (t.late_fee) {
    const f = t.late_fee;
    const fee =
      f.kind === 'percent'
        ? `${formatPercent(f.value)} of the overdue balance`
        : currency
          ? formatMoney(f.value, currency)
          : `${f.value} in the invoice’s currency`;
    const when = f.grace_days ? `${days(f.grace_days)} after the due date` : 'the day after the due date';
    const again = f.repeat_days ? `, then every ${days(f.repeat_days)} while overdue` : ', once';
    out.push(`A late fee of ${fee}, ${when}${again}.`);
  }
  if (t.interest) out.push(`Interest of ${formatPercent(t.interest.annual_percent)} a year on what is overdue, by the day.`);
  return out;
}

/** The terms form as typed: every number a string, every optional part with its own switch. */
export interface TermsValues {
  /** A preset's name, or `custom`. */
  preset: string;
  name: string;
  due_days: string;
  early: boolean;
  'early_discount.percent': string;
  'early_discount.days': string;
  late: boolean;
  'late_fee.kind': string;
  'late_fee.value': string;
  'late_fee.grace_days': string;
  'late_fee.repeat_days': string;
  interest: boolean;
  'interest.annual_percent': string;
}

export const CUSTOM = 'custom';

/** The preset `t` is (same name and days, nothing else), or `custom`. */
export function presetOf(t: Terms, presets: readonly Terms[]): string {
  const plain = !t.early_discount && !t.late_fee && !t.interest;
  return (plain && presets.find((p) => p.name === t.name && p.due_days === t.due_days)?.name) || CUSTOM;
}

export function termsValues(t: Terms, presets: readonly Terms[]): TermsValues {
  const preset = presetOf(t, presets);
  return {
    preset,
    // A preset's name follows its days; custom terms keep theirs.
    name: preset === CUSTOM ? t.name : '',
    due_days: String(t.due_days),
    early: Boolean(t.early_discount),
    'early_discount.percent': t.early_discount?.percent ?? '2',
    'early_discount.days': String(t.early_discount?.days ?? 10),
    late: Boolean(t.late_fee),
    'late_fee.kind': t.late_fee?.kind ?? 'percent',
    'late_fee.value': t.late_fee?.value ?? '',
    'late_fee.grace_days': String(t.late_fee?.grace_days ?? 7),
    'late_fee.repeat_days': t.late_fee?.repeat_days == null ? '' : String(t.late_fee.repeat_days),
    interest: Boolean(t.interest),
    'interest.annual_percent': t.interest?.annual_percent ?? '',
  };
}

/** A whole number as typed, or NaN (which JSON sends as null: the server names the field). */
const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN);

/** The terms the form's values make (a preset as it is; custom ones as typed, checked by the server). */
export function termsFrom(v: TermsValues, presets: readonly Terms[]): Terms {
  const preset = presets.find((p) => p.name === v.preset);
  if (preset) return preset;
  const days = whole(v.due_days);
  const named = v.name.trim();
  // "Net 30" kept from a preset while the days changed would say the wrong thing.
  const stale = /^(Net \d+|Due on receipt)$/.test(named) && named !== (days === 0 ? 'Due on receipt' : `Net ${days}`);
  return {
    name: named && !stale ? named : days === 0 ? 'Due on receipt' : `Net ${v.due_days.trim()}`,
    due_days: days,
    early_discount: v.early ? { percent: v['early_discount.percent'].trim(), days: whole(v['early_discount.days']) } : null,
    late_fee: v.late
      ? {
          kind: v['late_fee.kind'],
          value: v['late_fee.value'].trim(),
          grace_days: whole(v['late_fee.grace_days']),
          repeat_days: v['late_fee.repeat_days'].trim() ? whole(v['late_fee.repeat_days']) : null,
        }
      : null,
    interest: v.interest ? { annual_percent: v['interest.annual_percent'].trim() } : null,
  };
}

/** The fields of `v` that should hold a whole number of days and do not (checked before sending). */
export function unreadableDays(v: TermsValues, presets: readonly Terms[]): string[] {
  if (presets.some((p) => p.name === v.preset)) return [];
  const fields: (keyof TermsValues)[] = ['due_days'];
  if (v.early) fields.push('early_discount.days');
  if (v.late) fields.push('late_fee.grace_days');
  if (v.late && v['late_fee.repeat_days'].trim()) fields.push('late_fee.repeat_days');
  return fields.filter((f) => Number.isNaN(whole(String(v[f]))));
}

/**
 * The form field a server path names: the domain checks the terms under its own names
 * (`due.days`, `late_fee.amount.percent`), the body under the API's (`terms.due_days`).
 */
export function termsField(path: string): string {
  const p = path.replace(/^terms\./, '');
  if (p === 'due.days') return 'due_days';
  if (p.startsWith('late_fee.amount')) return 'late_fee.value';
  return p;
}
