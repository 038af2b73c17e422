// The path of one demo ticket with a conversation (the most recently updated resolved one of the
// house tenant), as `who` sees it: for measuring a ticket page. Signs in over the API.
// Usage: node scripts/demo-ticket.mjs BASE_URL EMAIL LOGINS_JSON
import { readFileSync } from 'node:fs';

const [base, email, loginsFile] = process.argv.slice(2);
if (!base || !email || !loginsFile) {
  console.error('usage: node scripts/demo-ticket.mjs BASE_URL EMAIL LOGINS_JSON');
  process.exit(2);
}
const login = JSON.parse(readFileSync(loginsFile, 'utf8')).find((l) => l.email === email);
if (!login) throw new Error(`no demo login ${email}`);
const signIn = await fetch(new URL('/api/v1/auth/sign-in', base), {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-requested-with': 'bench' },
  body: JSON.stringify({ email, password: login.password }),
});
if (!signIn.ok) throw new Error(`sign-in of ${email}: ${signIn.status}`);
const cookie = signIn.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const get = async (path) => {
  const res = await fetch(new URL(path, base), { headers: { cookie } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
};
const me = await get('/api/v1/me');
const tenant = me.user.tenant;
const page = await get(`/api/v1/tenants/${tenant}/tickets?status=resolved&limit=1`);
const ticket = page.items[0];
if (!ticket) throw new Error('the demo has no resolved ticket');
console.log(`/tickets/${tenant}/${ticket.id}`);
