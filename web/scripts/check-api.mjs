// Fails when src/api/schema.d.ts is not what openapi-typescript makes of openapi.json, so the
// committed client types never drift from the server's OpenAPI document.
import { readFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

const web = new URL('..', import.meta.url);
const spec = JSON.parse(await readFile(new URL('openapi.json', web), 'utf8'));
const expected = astToString(await openapiTS(spec));
const committed = await readFile(new URL('src/api/schema.d.ts', web), 'utf8');

const normalize = (s) => s.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').trim();
if (normalize(expected) !== normalize(committed)) {
  console.error('src/api/schema.d.ts is out of date with openapi.json: run `npm run gen:api` and commit it.');
  process.exit(1);
}
console.log('src/api/schema.d.ts matches openapi.json');
