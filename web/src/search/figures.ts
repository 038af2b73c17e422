// The KB's search figures (its managers): a month's suggestions while tickets were filed and
// the searches that found no article; and how they are said: the month, the deflection as a
// percentage, how often a search found nothing.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';

export type SearchFigures = Schemas['SearchFigures'];

/** A month's (`YYYY-MM`) suggestion figures and the searches that found no article. */
export async function searchFigures(tenantId: string, month: string): Promise<SearchFigures> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/search/figures', { params: { path: { tenant_id: tenantId }, query: { month } } }),
  );
}

/** This month as `YYYY-MM` (the viewer's calendar). */
export function thisMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

/** A month as the figures take it (`2026-12`). */
export const isMonth = (v: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(v);

/** 0.4567 -> "46%" (held to 0–100%). */
export const percent = (share: number) => `${Math.round(Math.min(1, Math.max(0, share)) * 100)}%`;

/** 1 -> "once", 2 -> "twice", 7 -> "7 times". */
export const timesText = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n.toLocaleString('en-US')} times`);
