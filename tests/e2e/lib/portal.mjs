// Shared helpers for the specs: the portal's hosts and demo logins, browsers at the two
// viewports, signing in as a person would, an API client for arranging data, axe checks,
// screenshots, TOTP codes and mail sent to the portal by SMTP.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const PORT = process.env.PORTAL_PORT ?? '3100';
export const LOGINS = JSON.parse(readFileSync(process.env.PORTAL_LOGINS ?? new URL('../artifacts/logins.json', import.meta.url), 'utf8'));
export const ARTIFACTS = new URL('../artifacts/', import.meta.url);

export const HOSTS = {
  kt: `http://localhost:${PORT}`,
  acme: `http://acme.localhost:${PORT}`,
};

export const VIEWPORTS = {
  mobile: {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  },
  desktop: { viewport: { width: 1280, height: 900 } },
};

export function login(email) {
  const l = LOGINS.find((x) => x.email === email);
  assert.ok(l, `no demo login ${email}`);
  return { ...l, host: HOSTS[l.tenant] };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** A fresh context (its own cookies) at a viewport, failing the test on page errors. */
export async function openPage(browser, viewport = 'desktop') {
  const context = await browser.newContext(VIEWPORTS[viewport]);
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    throw new Error(`page error: ${e.message}`);
  });
  return page;
}

export async function signIn(page, email) {
  const who = login(email);
  await page.goto(`${who.host}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return who;
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function checkA11y(page, where) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  });
  assert.deepEqual(violations, [], `accessibility violations on ${where}`);
}

/** A phone `width` px wide (a small Android is 360), touch only. */
export async function openPhone(browser, width = 360) {
  const context = await browser.newContext({ ...VIEWPORTS.mobile, viewport: { width, height: 780 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    throw new Error(`page error: ${e.message}`);
  });
  return page;
}

/**
 * Fails when the page scrolls sideways. A mobile browser zooms out to fit content wider than
 * the screen (window.innerWidth grows with it), so the page is also held to the viewport's
 * width as set.
 */
export async function assertNoSideScroll(page, where) {
  const width = page.viewportSize().width;
  const { scrollWidth, innerWidth, widest } = await page.evaluate((width) => {
    // The first few elements reaching past the right edge, to say what to fix.
    const widest = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest };
  }, width);
  assert.ok(
    scrollWidth <= innerWidth && scrollWidth <= width,
    `${where} is ${scrollWidth}px wide on a ${width}px screen (${widest.join(', ')})`,
  );
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({
    path: new URL(`${name}.png`, ARTIFACTS).pathname,
    fullPage: true,
  });
}

/** One HTTP exchange with the portal at `host` (Node resolves no `*.localhost`, so it dials loopback). */
function exchange(host, method, path, headers, body) {
  const url = new URL(path, host);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        method,
        path: url.pathname + url.search,
        headers: { ...headers, host: url.host },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            cookies: res.headers['set-cookie'] ?? [],
            text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GETs an absolute URL on the portal (a presigned blob link, say) and returns its status, headers and bytes. */
export function fetchBytes(href) {
  const url = new URL(href);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: url.port, method: 'GET', path: url.pathname + url.search, headers: { host: url.host } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Signs in over HTTP and returns a small JSON client with that person's cookies. */
export async function apiAs(email) {
  return apiSession(login(email));
}

/** Like `apiAs`, for someone who is not a demo login: `{ host, email, password }`. */
export async function apiSession(who) {
  const jar = new Map();
  const call = async (method, path, body) => {
    const res = await exchange(
      who.host,
      method,
      path,
      {
        'content-type': 'application/json',
        'x-requested-with': 'e2e',
        'x-csrf-token': jar.get('__Host-kt_csrf') ?? '',
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
    for (const c of res.cookies) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return {
      status: res.status,
      body: res.text ? JSON.parse(res.text) : undefined,
    };
  };
  const signedIn = await call('POST', '/api/v1/auth/sign-in', {
    email: who.email,
    password: who.password,
  });
  assert.equal(signedIn.status, 200, `sign-in of ${who.email}: ${JSON.stringify(signedIn.body)}`);
  const me = (await call('GET', '/api/v1/me')).body;
  return { call, me, who };
}

export async function fileTicket(client, fields) {
  const orgId = fields.org_id ?? client.me.organizations[0]?.id;
  const res = await client.call('POST', `/api/v1/tenants/${client.me.user.tenant}/tickets`, {
    category: 'technical_support',
    description: 'Filed by the e2e tests.',
    priority: 'medium',
    ...fields,
    org_id: orgId,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

function base32(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 code (SHA-1, 6 digits, 30-second steps) for a base32 secret. */
export function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** Waits for the next 30-second step, so a code is not the one just used. */
export async function nextTotpStep() {
  const ms = 30_000 - (Date.now() % 30_000) + 200;
  await new Promise((r) => setTimeout(r, ms));
}

/** The local host's mail outbox (GET /dev/mail, newest first): [{ id, subject, to }]. */
export async function mailbox() {
  const res = await exchange(HOSTS.kt, 'GET', '/dev/mail', { accept: 'text/html' });
  assert.equal(res.status, 200, 'the mail outbox answers');
  const mails = [];
  for (const m of res.text.matchAll(/<a href="\/dev\/mail\/([^"]+)">([^<]*)<\/a> to ([^<\s]+)/g)) {
    mails.push({ id: m[1], subject: decodeEntities(m[2]), to: m[3] });
  }
  return mails;
}

const decodeEntities = (s) =>
  s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e]);

/** One mail's raw .eml, with its quoted-printable parts decoded (soft breaks joined, =XX bytes decoded). */
export async function mailText(id) {
  const res = await exchange(HOSTS.kt, 'GET', `/dev/mail/${id}`, {});
  assert.equal(res.status, 200, `mail ${id}`);
  const joined = res.text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3)) ? joined.slice(i + 1, i + 3) : null;
    if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Polls the outbox for the newest mail to `to` whose subject matches, for up to `ms`. */
export async function waitForMail(to, subject, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    const hit = (await mailbox()).find((m) => m.to === to && (subject instanceof RegExp ? subject.test(m.subject) : m.subject === subject));
    if (hit) return hit;
    assert.ok(Date.now() < until, `no mail to ${to} matching ${subject}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A header value as it may go in a mail: as it is when ASCII, else an RFC 2047 encoded word. */
const mailHeader = (value) => (/^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`);

/**
 * Sends one mail to the portal's SMTP listener (PORTAL_SMTP_PORT on 127.0.0.1), as a mail
 * server would: EHLO, MAIL FROM, RCPT TO, DATA (every line ended CRLF, a leading dot doubled),
 * QUIT. Resolves with the Message-ID once the portal took the message (250); rejects with the
 * portal's reply otherwise.
 */
export async function sendMail({ from, fromName, to, subject, text, headers = {} }) {
  const port = Number(process.env.PORTAL_SMTP_PORT);
  assert.ok(port, 'PORTAL_SMTP_PORT names the portal’s SMTP port');
  const messageId = `<e2e-${Date.now()}-${Math.random().toString(36).slice(2)}@e2e.test>`;
  const head = {
    From: fromName ? `${mailHeader(fromName)} <${from}>` : from,
    To: to,
    Subject: mailHeader(subject),
    Date: new Date().toUTCString().replace('GMT', '+0000'),
    'Message-ID': messageId,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Transfer-Encoding': '8bit',
    ...headers,
  };
  const lines = [...Object.entries(head).map(([k, v]) => `${k}: ${v}`), '', ...text.replace(/\r\n?/g, '\n').split('\n')];
  const data = `${lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n')}\r\n.\r\n`;

  const socket = connect({ host: '127.0.0.1', port });
  socket.setEncoding('utf8');
  socket.setTimeout(15_000, () => socket.destroy(new Error('the SMTP server did not answer in time')));
  // Replies in order: each is its lines up to the one with a space after the code ("250 OK").
  const replies = [];
  const waiting = [];
  let buffered = '';
  let current = [];
  let failed = null;
  const settle = () => {
    while (waiting.length && (replies.length || failed)) {
      const w = waiting.shift();
      if (replies.length) w.resolve(replies.shift());
      else w.reject(failed);
    }
  };
  socket.on('data', (chunk) => {
    buffered += chunk;
    let at;
    while ((at = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 2);
      current.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        replies.push({ code: Number(line.slice(0, 3)), text: current.join('\n') });
        current = [];
      }
    }
    settle();
  });
  socket.on('error', (e) => {
    failed = e;
    settle();
  });
  socket.on('close', () => {
    failed ??= new Error('the SMTP server closed the connection');
    settle();
  });
  const reply = () => new Promise((resolve, reject) => (waiting.push({ resolve, reject }), settle()));
  const expect = async (command, want) => {
    if (command !== null) socket.write(`${command}\r\n`);
    const r = await reply();
    if (r.code !== want) throw new Error(`SMTP ${command ?? 'greeting'}: expected ${want}, got ${r.text}`);
    return r;
  };
  try {
    await expect(null, 220);
    await expect('EHLO e2e.test', 250);
    await expect(`MAIL FROM:<${from}>`, 250);
    await expect(`RCPT TO:<${to}>`, 250);
    await expect('DATA', 354);
    socket.write(data);
    await expect(null, 250);
    await expect('QUIT', 221).catch(() => {});
  } finally {
    socket.end();
  }
  return messageId;
}

/** Waits until `check` holds, for up to `ms`. */
export async function until(check, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < end, 'timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Both checks every screen gets. */
export async function checkScreen(page, where) {
  await checkA11y(page, where);
  await assertNoSideScroll(page, where);
}
