// One answer's check and clean form, per field type: the server's rules and messages
// (kt_domain::forms::fields), repeated so the live form shows the same errors before sending.
import { compareDecimal, fixedOf, normalize, parseDecimal } from './fixed';
import { type Field, type Json, type UploadInfo, TAKES_NO_ANSWER } from './types';

export const isEmptyAnswer = (v: Json | undefined): boolean => {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every((x) => isEmptyAnswer(x));
  return false;
};

const decimalText = (v: Json): string | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'string' && parseDecimal(v.trim())) return v.trim();
  return null;
};

const isDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
};
const isTime = (s: string): boolean => /^([01]\d|2[0-3]):[0-5]\d$/.test(s);

const isEmail = (raw: string): boolean => {
  const s = raw.trim().toLowerCase();
  const at = s.indexOf('@');
  if (at < 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return (
    local.length > 0 &&
    local.length <= 64 &&
    s.length <= 254 &&
    domain.includes('.') &&
    !domain.startsWith('.') &&
    !domain.endsWith('.') &&
    !domain.includes('..') &&
    !/[\s<>(),;:"[\]\\]/.test(s) &&
    ![...s].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127) &&
    !domain.includes('@')
  );
};

export const places = (f: Field): number => Math.min(f.decimals ?? 2, 6);

export const range = (f: Field): [string | null, string | null] => {
  const ok = (s: string | null | undefined) => (s != null && parseDecimal(s) ? s : null);
  if (f.type === 'rating') return [ok(f.min) ?? '1', ok(f.max) ?? '5'];
  return [ok(f.min), ok(f.max)];
};

const accepts = (pattern: string, contentType: string) =>
  pattern.endsWith('/*') ? contentType.split('/')[0] === pattern.slice(0, -2) : pattern === contentType;

const chars = (s: string) => [...s].length;

class Refused extends Error {}
const refuse = (m: string): never => {
  throw new Refused(m);
};

/** Checks one visible field's answer: its clean form (undefined: no answer), or the error. */
export const checkField = (
  f: Field,
  raw: Json | undefined,
  upload: (id: string) => UploadInfo | undefined,
): { value?: Json; error?: string } => {
  try {
    return { value: check(f, raw, upload) };
  } catch (e) {
    if (e instanceof Refused) return { error: e.message };
    throw e;
  }
};

const check = (f: Field, given: Json | undefined, upload: (id: string) => UploadInfo | undefined): Json | undefined => {
  const raw = f.type === 'hidden' ? (f.default ?? given) : given;
  if (isEmptyAnswer(raw)) {
    if (f.required && !TAKES_NO_ANSWER.includes(f.type)) refuse('is required');
    return undefined;
  }
  const v = raw as Json;
  const text = (): string => (typeof v === 'string' ? v.trim() : refuse('must be text'));
  switch (f.type) {
    case 'section':
    case 'paragraph':
    case 'divider':
    case 'calculated':
      return undefined;
    case 'text':
    case 'textarea':
    case 'hidden':
    case 'phone': {
      const t = text();
      const n = chars(t);
      const most = f.max_length ?? (f.type === 'textarea' ? 10_000 : 500);
      if (f.min_length != null && n < f.min_length) refuse(`write at least ${f.min_length} characters`);
      if (n > most) refuse(`write at most ${most} characters`);
      if (f.type === 'phone' && (!/^[0-9 +\-().]*$/.test(t) || t.replace(/\D/g, '').length < 5)) refuse('must be a phone number');
      if (f.type === 'text' && /[\n\r]/.test(t)) refuse('must be one line');
      if (f.pattern) {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${f.pattern})$`, 'u');
        } catch {
          return refuse('cannot be checked');
        }
        if (!re.test(t)) refuse('is not in the expected format');
      }
      return t;
    }
    case 'email': {
      const t = text();
      if (!isEmail(t)) refuse('must be an email address');
      return t;
    }
    case 'url': {
      const t = text();
      const rest = t.split('://')[1];
      const ok =
        (t.startsWith('https://') || t.startsWith('http://')) &&
        t.length <= 2048 &&
        !/\s/.test(t) &&
        rest !== undefined &&
        rest.split('/')[0].includes('.');
      if (!ok) refuse('must be a web address (https://...)');
      return t;
    }
    case 'colour': {
      const t = text();
      if (!/^#[0-9a-fA-F]{6}$/.test(t)) refuse('must be a colour such as #1a2b3c');
      return t.toLowerCase();
    }
    case 'date':
    case 'time':
    case 'date_time': {
      const t = text();
      const ok =
        f.type === 'date'
          ? isDate(t)
          : f.type === 'time'
            ? isTime(t)
            : t.length === 16 && t[10] === 'T' && isDate(t.slice(0, 10)) && isTime(t.slice(11));
      if (!ok)
        refuse(
          f.type === 'date'
            ? 'must be a date (YYYY-MM-DD)'
            : f.type === 'time'
              ? 'must be a time (HH:MM)'
              : 'must be a date and time (YYYY-MM-DDTHH:MM)',
        );
      if (f.min && t < f.min) refuse(`must be ${f.min} or later`);
      if (f.max && t > f.max) refuse(`must be ${f.max} or earlier`);
      return t;
    }
    case 'number':
    case 'currency':
    case 'rating':
    case 'slider': {
      const n = decimalText(v) ?? refuse('must be a number');
      const d = parseDecimal(n)!;
      const p = f.type === 'rating' ? 0 : places(f);
      if (d.scale > p) refuse(p === 0 ? 'must be a whole number' : `use at most ${p} decimal places`);
      const [lo, hi] = range(f);
      if (lo !== null && compareDecimal(n, lo)! < 0) refuse(`must be at least ${normalize(lo)}`);
      if (hi !== null && compareDecimal(n, hi)! > 0) refuse(`must be at most ${normalize(hi)}`);
      if (fixedOf(n) === null) refuse('is too large');
      return normalize(n);
    }
    case 'toggle': {
      if (typeof v !== 'boolean') return refuse('must be true or false');
      if (f.required && !v) refuse('must be accepted');
      return v;
    }
    case 'dropdown':
    case 'radio': {
      const t = text();
      if (!(f.options ?? []).some((o) => o.value === t)) refuse('is not one of the choices');
      return t;
    }
    case 'multi_select':
    case 'checkboxes': {
      if (!Array.isArray(v)) return refuse('must be a list of choices');
      const out: string[] = [];
      for (const item of v) {
        if (typeof item !== 'string' || !(f.options ?? []).some((o) => o.value === item))
          refuse('holds something that is not one of the choices');
        if (out.includes(item as string)) refuse('lists a choice twice');
        out.push(item as string);
      }
      checkCount(f, out.length);
      return out;
    }
    case 'file':
    case 'image':
    case 'signature': {
      const ids: string[] =
        typeof v === 'string'
          ? [v]
          : Array.isArray(v)
            ? v.map((i) => (typeof i === 'string' ? i : ''))
            : refuse('must name uploaded files');
      if (f.type === 'signature' && ids.length !== 1) refuse('must be one drawn signature');
      for (const id of ids) {
        const info = upload(id) ?? refuse('names a file that was not uploaded');
        if ((f.type === 'image' || f.type === 'signature') && !info.content_type.startsWith('image/')) refuse('must be an image');
        const accept = f.accept ?? [];
        if (accept.length > 0 && !accept.some((a) => accepts(a, info.content_type))) refuse(`must be one of: ${accept.join(', ')}`);
        if (f.max_bytes != null && info.size > f.max_bytes) refuse(`a file is at most ${f.max_bytes} bytes`);
      }
      checkCount(f, ids.length);
      return f.type === 'signature' ? ids[0] : ids;
    }
    case 'address': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return refuse('must be an address');
      const parts = ['line1', 'line2', 'city', 'region', 'postal_code', 'country'];
      const unknown = Object.keys(v)
        .sort()
        .find((k) => !parts.includes(k));
      if (unknown !== undefined) refuse(`has no part called ${unknown}`);
      const part = (k: string) => {
        const x = (v as Record<string, Json>)[k];
        return typeof x === 'string' ? x.trim() : '';
      };
      for (const k of ['line1', 'city', 'country']) {
        if (part(k) === '') refuse(`needs its ${k.replace('line1', 'street').replace(/_/g, ' ')}`);
      }
      if (parts.some((k) => chars(part(k)) > 200)) refuse('has a part longer than 200 characters');
      const out: Record<string, Json> = {};
      for (const k of parts) if (part(k) !== '') out[k] = part(k);
      return out;
    }
    case 'matrix': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return refuse('must answer its rows');
      const out: Record<string, Json> = {};
      for (const row of Object.keys(v).sort()) {
        if (!(f.rows ?? []).includes(row)) refuse(`has no row ${row}`);
        const col = (v as Record<string, Json>)[row];
        if (typeof col !== 'string' || !(f.columns ?? []).includes(col)) refuse(`row ${row}: not one of the columns`);
        out[row] = col;
      }
      if (f.required && Object.keys(out).length < (f.rows ?? []).length) refuse('answer every row');
      return out;
    }
  }
};

const checkCount = (f: Field, n: number) => {
  const parse = (s: string | null | undefined) => (s != null && /^\d+$/.test(s.trim()) ? Number(s) : null);
  const lo = parse(f.min);
  const hi = parse(f.max);
  if (lo !== null && n < lo) refuse(`choose at least ${lo}`);
  if (hi !== null && n > hi) refuse(`choose at most ${hi}`);
};
