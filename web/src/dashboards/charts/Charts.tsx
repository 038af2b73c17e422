// Hand-drawn SVG charts for the dashboards: columns, lines and horizontal bars. Each is a
// figure with a caption, a one-sentence summary for screen readers, a legend that does not rely
// on colour alone (fills are solid or hatched, lines solid or dashed with different markers), and
// its figures as a table. Colours are the Okabe-Ito pair that colour-blind readers tell apart.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { linear, niceTicks } from './scale';
import './charts.css';

export interface Series {
  name: string;
  values: (number | null)[];
}

const W = 360;
const H = 190;
const M = { top: 10, right: 10, bottom: 26, left: 36 };
const STYLES = ['chart-series--0', 'chart-series--1'];

function Frame({
  caption,
  summary,
  legend,
  table,
  children,
}: {
  caption: string;
  summary: string;
  legend?: { name: string; style: number; line?: boolean }[];
  table: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <figure class="chart">
      <figcaption class="chart__caption">{caption}</figcaption>
      <svg class="chart__svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        {children}
      </svg>
      {legend && (
        <ul class="chart__legend">
          {legend.map((l) => (
            <li key={l.name}>
              <svg viewBox="0 0 24 12" width="24" height="12" aria-hidden="true" class={STYLES[l.style]}>
                {l.line ? (
                  <line x1="1" y1="6" x2="23" y2="6" class="chart-line" />
                ) : (
                  <rect x="4" y="1" width="16" height="10" class="chart-fill" />
                )}
              </svg>
              {l.name}
            </li>
          ))}
        </ul>
      )}
      <details class="chart__data">
        <summary>Data table</summary>
        {table}
      </details>
    </figure>
  );
}

function Axis({ ticks, y, format }: { ticks: number[]; y: (v: number) => number; format: (v: number) => string }) {
  return (
    <g class="chart__axis" aria-hidden="true">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} class="chart__grid" />
          <text x={M.left - 4} y={y(t) + 4} text-anchor="end">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Every `n`th label, so they do not overlap on a phone. */
const sparse = (count: number) => Math.max(1, Math.ceil(count / 6));

function DataTable({ labels, series, format }: { labels: string[]; series: Series[]; format: (v: number | null) => string }) {
  return (
    <table class="table chart__table">
      <thead>
        <tr>
          <th scope="col">Period</th>
          {series.map((s) => (
            <th scope="col" key={s.name}>
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {labels.map((l, i) => (
          <tr key={l}>
            <th scope="row">{l}</th>
            {series.map((s) => (
              <td key={s.name}>{format(s.values[i])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const plain = (v: number | null) => (v === null ? '–' : String(v));

/** Grouped columns: one group per label, one column per series (at most two). */
export function ColumnChart({
  caption,
  summary,
  labels,
  series,
}: {
  caption: string;
  summary: string;
  labels: string[];
  series: Series[];
}) {
  const hatch = useId().replace(/:/g, '');
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const { top, ticks } = niceTicks(max);
  const y = linear([0, top], [H - M.bottom, M.top]);
  const band = (W - M.left - M.right) / Math.max(1, labels.length);
  const bar = (band * 0.7) / series.length;
  const every = sparse(labels.length);
  return (
    <Frame
      caption={caption}
      summary={summary}
      legend={series.map((s, i) => ({ name: s.name, style: i }))}
      table={<DataTable labels={labels} series={series} format={plain} />}
    >
      <defs>
        <pattern id={hatch} width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="5" height="5" class="chart-hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="5" class="chart-hatch" />
        </pattern>
      </defs>
      <Axis ticks={ticks} y={y} format={String} />
      {labels.map((label, i) => (
        <g key={label}>
          {series.map((s, k) => {
            const v = s.values[i] ?? 0;
            const x = M.left + i * band + band * 0.15 + k * bar;
            return (
              <rect
                key={s.name}
                x={x}
                y={y(v)}
                width={Math.max(1, bar - 1)}
                height={Math.max(0, y(0) - y(v))}
                class={`${STYLES[k]} chart-fill`}
                style={k === 1 ? { fill: `url(#${hatch})` } : undefined}
              />
            );
          })}
          {i % every === 0 && (
            <text x={M.left + i * band + band / 2} y={H - 8} text-anchor="middle" class="chart__label" aria-hidden="true">
              {label}
            </text>
          )}
        </g>
      ))}
    </Frame>
  );
}

/** Lines over labels; gaps where a value is null (nothing measured). */
export function LineChart({
  caption,
  summary,
  labels,
  series,
  top: fixedTop,
  format = String,
}: {
  caption: string;
  summary: string;
  labels: string[];
  series: Series[];
  top?: number;
  format?: (v: number) => string;
}) {
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const { top, ticks } = fixedTop
    ? { top: fixedTop, ticks: niceTicks(fixedTop, fixedTop <= 5 ? fixedTop : 4).ticks.filter((t) => t <= fixedTop) }
    : niceTicks(max);
  const y = linear([0, top], [H - M.bottom, M.top]);
  const x = linear([0, Math.max(1, labels.length - 1)], [M.left + 12, W - M.right - 12]);
  const every = sparse(labels.length);
  return (
    <Frame
      caption={caption}
      summary={summary}
      legend={series.map((s, i) => ({ name: s.name, style: i, line: true }))}
      table={<DataTable labels={labels} series={series} format={(v) => (v === null ? 'nothing measured' : format(v))} />}
    >
      <Axis ticks={ticks} y={y} format={format} />
      {series.map((s, k) => {
        const points = s.values.map((v, i) => (v === null ? null : ([x(i), y(v)] as const)));
        // Runs of measured points, drawn as separate lines.
        const runs: (readonly [number, number])[][] = [[]];
        for (const p of points) {
          if (p) runs[runs.length - 1].push(p);
          else if (runs[runs.length - 1].length) runs.push([]);
        }
        return (
          <g key={s.name} class={STYLES[k]}>
            {runs
              .filter((r) => r.length > 1)
              .map((r, i) => (
                <polyline key={i} points={r.map((p) => p.join(',')).join(' ')} class="chart-line" />
              ))}
            {points.map((p, i) =>
              p === null ? null : k === 0 ? (
                <circle key={i} cx={p[0]} cy={p[1]} r="3.5" class="chart-marker" />
              ) : (
                <rect key={i} x={p[0] - 3.5} y={p[1] - 3.5} width="7" height="7" class="chart-marker" />
              ),
            )}
          </g>
        );
      })}
      {labels.map((label, i) =>
        i % every === 0 ? (
          <text key={label} x={x(i)} y={H - 8} text-anchor="middle" class="chart__label" aria-hidden="true">
            {label}
          </text>
        ) : null,
      )}
    </Frame>
  );
}

export interface Bar {
  label: string;
  value: number;
  /** Shown after the value, e.g. "of 8". */
  note?: string;
}

/** Horizontal bars, one per row, labelled in HTML so long names wrap. */
export function BarList({ caption, summary, rows, unit }: { caption: string; summary: string; rows: Bar[]; unit: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <figure class="chart">
      <figcaption class="chart__caption">{caption}</figcaption>
      <ul class="chart__bars" aria-label={summary}>
        {rows.map((r) => (
          <li key={r.label} class="chart__bar-row">
            <span class="chart__bar-label">{r.label}</span>
            <span class="chart__bar-track" aria-hidden="true">
              <span class="chart__bar chart-series--0" style={{ width: `${(r.value / max) * 100}%` }} />
            </span>
            <span class="chart__bar-value">
              {r.value}
              {r.note ? ` ${r.note}` : ''}
            </span>
          </li>
        ))}
      </ul>
      <details class="chart__data">
        <summary>Data table</summary>
        <table class="table chart__table">
          <thead>
            <tr>
              <th scope="col">{caption}</th>
              <th scope="col">{unit}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td>
                  {r.value}
                  {r.note ? ` ${r.note}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
