// Initial JS and CSS (gzip) of the budgeted routes, from Vite's manifest: the entry and its
// static imports plus each route's lazily loaded chunks and theirs. Exits 1 over budget.
// Usage: node scripts/bundle-size.mjs [dist]
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = process.argv[2] ?? new URL('../dist', import.meta.url).pathname;
const BUDGET = { js: 60 * 1024, css: 20 * 1024 };
const ROUTES = {
  'sign-in': ['src/auth/SignIn.tsx'],
  'client dashboard': ['src/dashboards/Dashboard.tsx', 'src/dashboards/ClientDashboard.tsx'],
  'partner dashboard': ['src/dashboards/Dashboard.tsx', 'src/dashboards/PartnerDashboard.tsx'],
  'staff dashboard': ['src/dashboards/Dashboard.tsx', 'src/dashboards/StaffDashboard.tsx'],
  'admin dashboard': ['src/dashboards/Dashboard.tsx', 'src/dashboards/AdminDashboard.tsx'],
};
// Loaded only with the dashboards that draw charts; reported on its own.
const CHARTS = 'src/dashboards/charts/trends.tsx';

const manifest = JSON.parse(await readFile(join(dist, '.vite/manifest.json'), 'utf8'));
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);

/** The chunk keys loaded with `keys`: each and everything it imports statically. */
function closure(keys, seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key) || !manifest[key]) continue;
    seen.add(key);
    closure(manifest[key].imports ?? [], seen);
  }
  return seen;
}

const gzipped = async (file) => gzipSync(await readFile(join(dist, file)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

let over = false;
console.log('route              JS (gzip)   CSS (gzip)');
for (const [name, keys] of Object.entries(ROUTES)) {
  const missing = keys.filter((k) => !manifest[k]);
  if (missing.length) throw new Error(`not in the manifest: ${missing.join(', ')}`);
  const chunks = [...closure([entry, ...keys])].map((k) => manifest[k]);
  const js = new Set(chunks.map((c) => c.file).filter((f) => f.endsWith('.js')));
  const css = new Set(chunks.flatMap((c) => c.css ?? []));
  const jsSize = (await Promise.all([...js].map(gzipped))).reduce((a, b) => a + b, 0);
  const cssSize = (await Promise.all([...css].map(gzipped))).reduce((a, b) => a + b, 0);
  const flag = jsSize > BUDGET.js || cssSize > BUDGET.css;
  over ||= flag;
  console.log(`${name.padEnd(18)} ${kb(jsSize).padStart(9)}   ${kb(cssSize).padStart(9)}${flag ? '   OVER BUDGET' : ''}`);
}
console.log(`budget             ${kb(BUDGET.js).padStart(9)}   ${kb(BUDGET.css).padStart(9)}`);
// The chart code's own chunk (Vite may fold it into a dashboard's when only one imports it).
const chartChunk = manifest[CHARTS] ?? Object.values(manifest).find((c) => c.src === CHARTS || c.name?.startsWith('trends'));
if (chartChunk) {
  const css = await Promise.all((chartChunk.css ?? []).map(gzipped));
  console.log(
    `chart chunk        ${kb(await gzipped(chartChunk.file)).padStart(9)}   ${kb(css.reduce((a, b) => a + b, 0)).padStart(9)}   (${chartChunk.file})`,
  );
} else {
  console.log("chart chunk        inside the dashboards' chunks");
}
const entryOnly = [...closure([entry])].map((k) => manifest[k]);
const entryJs = (await Promise.all([...new Set(entryOnly.map((c) => c.file).filter((f) => f.endsWith('.js')))].map(gzipped))).reduce(
  (a, b) => a + b,
  0,
);
console.log(`entry JS           ${kb(entryJs).padStart(9)}   (no chart code: ${entryOnly.some((c) => c.src === CHARTS) ? 'NO' : 'yes'})`);
process.exit(over ? 1 : 0);
