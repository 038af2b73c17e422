import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import {
  NO_PREVIEW,
  previewBeforeLookup,
  previewBlocksMerge,
  previewIsProblem,
  previewOf,
  previewOfError,
  previewText,
  typedNumber,
} from './mergePreview';

const own = { id: 't2', number: 'ACME-1002' };
const target = { id: 't3', number: 'ACME-1003', subject: 'Checkout fails on Safari', status: 'in_progress' };

describe('typedNumber', () => {
  it('writes the number as the portal does, bare digits taking this portal’s prefix', () => {
    expect(typedNumber('ACME-1003', own.number)).toBe('ACME-1003');
    expect(typedNumber('  acme-01003 ', own.number)).toBe('ACME-1003');
    expect(typedNumber('1003', own.number)).toBe('ACME-1003');
    expect(typedNumber('KT-1003', own.number)).toBe('KT-1003');
    expect(typedNumber('MY-SHOP-1003', 'MY-SHOP-1002')).toBe('MY-SHOP-1003');
    expect(typedNumber('1003', 'MY-SHOP-1002')).toBe('MY-SHOP-1003');
  });

  it('names nothing for empty text or text that is no ticket number', () => {
    expect(typedNumber('', own.number)).toBeUndefined();
    expect(typedNumber('   ', own.number)).toBeUndefined();
    expect(typedNumber('soon', own.number)).toBeUndefined();
    expect(typedNumber('ACME-', own.number)).toBeUndefined();
    expect(typedNumber('-1003', own.number)).toBeUndefined();
    expect(typedNumber('ACME-99', own.number)).toBeUndefined(); // below the first number
    expect(typedNumber('ACME-1003x', own.number)).toBeUndefined();
    expect(typedNumber('99999999999999999999', own.number)).toBeUndefined();
  });
});

describe('previewBeforeLookup', () => {
  it('says nothing while the input is empty and needs no lookup for it', () => {
    expect(previewBeforeLookup('', own)).toEqual(NO_PREVIEW);
    expect(previewBeforeLookup('  ', own)).toEqual(NO_PREVIEW);
  });

  it('knows this very ticket without asking, however it is written', () => {
    expect(previewBeforeLookup('ACME-1002', own)).toEqual({ kind: 'self', number: 'ACME-1002' });
    expect(previewBeforeLookup('acme-1002', own)).toEqual({ kind: 'self', number: 'ACME-1002' });
    expect(previewBeforeLookup('1002', own)).toEqual({ kind: 'self', number: 'ACME-1002' });
  });

  it('asks the server about anything else', () => {
    expect(previewBeforeLookup('ACME-1003', own)).toBeUndefined();
    expect(previewBeforeLookup('soon', own)).toBeUndefined();
  });
});

describe('previewOf', () => {
  it('shows the ticket found, or this ticket when the lookup found it', () => {
    expect(previewOf('1003', own, target)).toEqual({ kind: 'found', ticket: target });
    expect(previewOf('ACME-01002', own, { ...target, id: 't2', number: 'ACME-1002' })).toEqual({ kind: 'self', number: 'ACME-1002' });
  });

  it('names the number looked up when there is no such ticket here', () => {
    expect(previewOf('1003', own, undefined)).toEqual({ kind: 'missing', number: 'ACME-1003' });
    expect(previewOf(' kt-1003 ', own, undefined)).toEqual({ kind: 'missing', number: 'KT-1003' });
    expect(previewOf(' +1003 ', own, undefined)).toEqual({ kind: 'missing', number: '+1003' });
  });
});

describe('previewOfError', () => {
  it('takes the server’s message on the number from a 422', () => {
    const problem = {
      type: 'about:blank',
      status: 422,
      title: 'Invalid request',
      errors: [{ field: 'number', message: 'use a ticket number such as ACME-1002, or 1002' }],
    };
    expect(previewOfError(new ApiError(422, problem))).toEqual({
      kind: 'invalid',
      message: 'Enter a ticket number such as ACME-1002, or just 1002.',
    });
  });

  it('says the lookup failed for anything else', () => {
    expect(
      previewOfError(new ApiError(422, { type: 'about:blank', status: 422, title: 'Invalid', errors: [{ field: 'limit', message: 'x' }] })),
    ).toEqual({
      kind: 'failed',
    });
    expect(previewOfError(new ApiError(500, undefined))).toEqual({ kind: 'failed' });
    expect(previewOfError(new TypeError('Failed to fetch'))).toEqual({ kind: 'failed' });
  });
});

describe('previewText', () => {
  it('says each outcome in one line', () => {
    expect(previewText(NO_PREVIEW)).toBe('');
    expect(previewText({ kind: 'found', ticket: target })).toBe('ACME-1003 · Checkout fails on Safari · In progress');
    expect(previewText({ kind: 'missing', number: 'ACME-1003' })).toBe('No ticket ACME-1003 here');
    expect(previewText({ kind: 'self', number: 'ACME-1002' })).toBe('ACME-1002 is this ticket: it cannot merge into itself.');
    expect(previewText({ kind: 'invalid', message: 'use a ticket number' })).toBe('use a ticket number');
    expect(previewText({ kind: 'failed' })).toMatch(/could not be looked up/);
  });

  it('blocks the merge only for this very ticket, and marks the problems', () => {
    const all = [
      NO_PREVIEW,
      { kind: 'found', ticket: target },
      { kind: 'missing', number: 'ACME-1003' },
      { kind: 'self', number: 'ACME-1002' },
      { kind: 'invalid', message: 'x' },
      { kind: 'failed' },
    ] as const;
    expect(all.filter(previewBlocksMerge).map((p) => p.kind)).toEqual(['self']);
    expect(all.filter(previewIsProblem).map((p) => p.kind)).toEqual(['missing', 'self', 'invalid', 'failed']);
  });
});
