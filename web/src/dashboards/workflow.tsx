// Dashboard widgets for the workflow: customer satisfaction (CSAT) from the ticket counts, and
// the agents' workload (drawn by charts/trends.tsx).
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { combineFigures, formatAverage, RATINGS, type Figures } from '../survey/rating';
import type { Tenant } from '../admin/useTenant';
import './workflow.css';

export type AgentLoad = Schemas['AgentLoadView'];

export async function tenantCounts(tenantId: string) {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/tickets/counts', { params: { path: { tenant_id: tenantId } } }));
}

export interface TenantFigures {
  tenant: Tenant;
  figures: Figures;
}

/** Every tenant's satisfaction figures, and all of them together. */
export async function satisfactionByTenant(tenants: Tenant[]): Promise<{ overall: Figures; tenants: TenantFigures[] }> {
  const rows = await Promise.all(tenants.map(async (tenant) => ({ tenant, figures: (await tenantCounts(tenant.id)).satisfaction })));
  return { overall: combineFigures(rows.map((r) => r.figures)), tenants: rows };
}

export function SatisfactionFigures({ figures, label = 'Customer satisfaction' }: { figures: Figures; label?: string }) {
  const most = Math.max(1, ...figures.by_rating);
  return (
    <>
      <dl class="stats" aria-label={label}>
        <div>
          <dt>Average (CSAT)</dt>
          <dd>{figures.count ? `${figures.average.toFixed(1)} / 5` : '—'}</dd>
        </div>
        <div>
          <dt>Ratings</dt>
          <dd>{figures.count}</dd>
        </div>
      </dl>
      {figures.count > 0 && (
        <table class="csat-bars">
          <caption class="visually-hidden">Ratings by score</caption>
          <tbody>
            {[...RATINGS].reverse().map((r) => {
              const n = figures.by_rating[r.value - 1] ?? 0;
              return (
                <tr key={r.value}>
                  <th scope="row">
                    {r.value} <span class="muted">{r.label}</span>
                  </th>
                  <td class="csat-bars__bar">
                    <span class="bar" aria-hidden="true">
                      <span class="bar__fill" style={{ width: `${(n / most) * 100}%` }} />
                    </span>
                  </td>
                  <td class="csat-bars__n">{n}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

export function SatisfactionByTenant({ rows }: { rows: TenantFigures[] }) {
  const rated = rows.filter((r) => r.figures.count > 0);
  if (!rated.length) return null;
  return (
    <ul class="list">
      {rated.map(({ tenant, figures }) => (
        <li key={tenant.id}>
          {tenant.name} <span class="muted">· {formatAverage(figures)}</span>
        </li>
      ))}
    </ul>
  );
}

export async function workload(): Promise<AgentLoad[]> {
  return unwrap(await api.GET('/api/v1/workload'));
}
