// Lighthouse (mobile, simulated throttling) on one URL of a running portal, printing the
// performance, accessibility, best-practices and SEO scores. With --email/--password it first signs
// in through the sign-in page in the same browser, for pages behind sign-in.
// With --summary FILE it appends one JSON line ({label, url, scores}) for a closing table.
// Usage: node scripts/lighthouse.mjs URL [--email E --password P] [--min 95] [--json out.json]
//        [--label NAME --summary FILE]
import { appendFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    password: { type: 'string' },
    min: { type: 'string' },
    json: { type: 'string' },
    label: { type: 'string' },
    summary: { type: 'string' },
  },
});
const url = positionals[0];
if (!url) {
  console.error('usage: node scripts/lighthouse.mjs URL [--email E --password P] [--min 95] [--json out.json]');
  process.exit(2);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
try {
  if (values.email && values.password) {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
    const page = await browser.newPage();
    await page.goto(new URL('/sign-in', url).href, { waitUntil: 'networkidle0' });
    await page.type('input[name="email"]', values.email);
    await page.type('input[name="password"]', values.password);
    await Promise.all([page.waitForFunction(() => location.pathname !== '/sign-in'), page.click('button[type="submit"]')]);
    await page.close();
    await browser.disconnect();
  }
  const result = await lighthouse(url, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    // Keep the session signed in above.
    disableStorageReset: true,
  });
  const { categories, audits } = result.lhr;
  const scores = Object.fromEntries(Object.values(categories).map((c) => [c.id, Math.round(c.score * 100)]));
  console.log(values.label ? `${values.label}: ${url}` : url);
  for (const [id, score] of Object.entries(scores)) console.log(`  ${id.padEnd(16)} ${score}`);
  for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift']) {
    console.log(`  ${audits[id].title.padEnd(26)} ${audits[id].displayValue}`);
  }
  const failing = Object.values(categories)
    .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => audits[r.id]))
    .filter((a) => a.score !== null && a.score < 1)
    .map((a) => `${a.id}: ${a.title}`);
  if (failing.length) console.log(`  not perfect:\n    ${[...new Set(failing)].join('\n    ')}`);
  if (values.json) await writeFile(values.json, result.report);
  if (values.summary) await appendFile(values.summary, `${JSON.stringify({ label: values.label ?? url, url, scores })}\n`);
  const min = values.min ? Number(values.min) : 0;
  process.exitCode = Object.values(scores).every((s) => s >= min) ? 0 : 1;
} finally {
  await chrome.kill();
}
