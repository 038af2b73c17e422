import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import {
  groupTemplates,
  insertAt,
  latestOnly,
  originLabel,
  templateProblem,
  templatesHref,
  variableToken,
  type Outcome,
} from './mailTemplates';

describe('insertAt', () => {
  const token = variableToken('portal.name');

  it('puts the variable at the cursor, the cursor after it', () => {
    expect(insertAt('Welcome to !', 11, 11, token)).toEqual({ text: 'Welcome to {{portal.name}}!', caret: 26 });
    expect(insertAt('', 0, 0, token)).toEqual({ text: '{{portal.name}}', caret: 15 });
  });

  it('replaces the selection, whichever way it was made', () => {
    expect(insertAt('Hello NAME, hi', 6, 10, '{{recipient.first_name}}').text).toBe('Hello {{recipient.first_name}}, hi');
    expect(insertAt('Hello NAME, hi', 10, 6, '{{recipient.first_name}}').text).toBe('Hello {{recipient.first_name}}, hi');
  });

  it('keeps a space between the variable and the words it would touch', () => {
    expect(insertAt('Hello', 5, 5, '{{recipient.first_name}}')).toEqual({ text: 'Hello {{recipient.first_name}}', caret: 30 });
    expect(insertAt('Welcome', 0, 0, token)).toEqual({ text: '{{portal.name}} Welcome', caret: 15 });
    expect(insertAt('{{a}}', 5, 5, token).text).toBe('{{a}} {{portal.name}}');
    // Not inside brackets, after punctuation or at a line's start.
    expect(insertAt('[here](', 7, 7, '{{action.url}}').text).toBe('[here]({{action.url}}');
    expect(insertAt('Hi,\n', 4, 4, token).text).toBe('Hi,\n{{portal.name}}');
    expect(insertAt('Grüße', 5, 5, token).text).toBe('Grüße {{portal.name}}');
  });

  it('inserts at the end when the cursor is out of the text', () => {
    expect(insertAt('Hi ', 99, 99, token).text).toBe('Hi {{portal.name}}');
    expect(insertAt('Hi ', Number.NaN, Number.NaN, token).text).toBe('Hi {{portal.name}}');
    expect(insertAt('Hi', -3, -3, token).text).toBe('{{portal.name}} Hi');
  });
});

describe('templateProblem', () => {
  const problem = (errors: { field: string; message: string }[]) =>
    new ApiError(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors });
  const words = (e: unknown) => (e as ApiError).problem?.errors?.map((x) => [x.field, x.message]);

  it('words the checks of a template for the editor', () => {
    const e = templateProblem(
      problem([
        {
          field: 'subject',
          message: '{{nope}} is not a variable of this mail; use portal.name, recipient.name, link.expires',
        },
        { field: 'body', message: 'is required' },
      ]),
    );
    expect(words(e)).toEqual([
      ['subject', '“{{nope}}” is not a variable of this mail. Use one of: {{portal.name}}, {{recipient.name}}, {{link.expires}}.'],
      ['body', 'Write the body of the mail.'],
    ]);
    expect(
      words(
        templateProblem(
          problem([
            { field: 'subject', message: 'use 1 to 200 characters on one line' },
            { field: 'body', message: 'use at most 10000 characters' },
          ]),
        ),
      ),
    ).toEqual([
      ['subject', 'Write a subject of 1 to 200 characters, on one line.'],
      ['body', 'Shorten the body to at most 10,000 characters.'],
    ]);
    expect(words(templateProblem(problem([{ field: 'subject', message: 'has a {{ without its closing }}' }])))).toEqual([
      ['subject', 'Close each {{ with }}.'],
    ]);
  });

  it('leaves other problems as they are', () => {
    const other = problem([{ field: 'kind', message: 'is not a kind of mail' }]);
    expect(words(templateProblem(other))).toEqual([['kind', 'is not a kind of mail']]);
    const stale = new ApiError(412, { type: 'about:blank', title: 'Precondition failed', status: 412 });
    expect(templateProblem(stale)).toBe(stale);
    const plain = new Error('offline');
    expect(templateProblem(plain)).toBe(plain);
  });
});

describe('the list', () => {
  it('groups the kinds, each group in the server’s order, leaving out an empty group', () => {
    const items = [
      { kind: 'invitation', notification: false },
      { kind: 'ticket_reply', notification: true },
      { kind: 'magic_link', notification: false },
      { kind: 'digest', notification: true },
    ];
    expect(groupTemplates(items).map((g) => [g.heading, g.items.map((i) => i.kind)])).toEqual([
      ['Account and other mail', ['invitation', 'magic_link']],
      ['Notifications', ['ticket_reply', 'digest']],
    ]);
    expect(groupTemplates(items.filter((i) => i.notification)).map((g) => g.heading)).toEqual(['Notifications']);
  });

  it('links to a kind’s editor, keeping the tenant named', () => {
    expect(templatesHref()).toBe('/admin/mail-templates');
    expect(templatesHref('magic_link')).toBe('/admin/mail-templates?kind=magic_link');
    expect(templatesHref('magic_link', 'T 1')).toBe('/admin/mail-templates?tenant=T+1&kind=magic_link');
    expect(templatesHref(undefined, 'acme')).toBe('/admin/mail-templates?tenant=acme');
    expect(originLabel(true)).toBe('Customized');
    expect(originLabel(false)).toBe('Default');
  });
});

describe('latestOnly', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (run: (input: string, signal: AbortSignal) => Promise<string>) => {
    const told: (Outcome<string> | 'busy')[] = [];
    const latest = latestOnly(
      run,
      () => told.push('busy'),
      (o) => told.push(o),
      400,
    );
    return { latest, told, last: () => told[told.length - 1] };
  };

  it('runs once the typing pauses, for the newest input only', async () => {
    const run = vi.fn(async (input: string) => `<${input}>`);
    const { latest, last } = setup(run);
    latest.update('a');
    await vi.advanceTimersByTimeAsync(300);
    latest.update('ab');
    await vi.advanceTimersByTimeAsync(399);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0][0]).toBe('ab');
    expect(last()).toEqual({ ok: true, value: '<ab>' });
  });

  it('aborts a run a newer one overtakes, and does not tell its answer', async () => {
    const pending: { input: string; signal: AbortSignal; resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
    const { latest, told } = setup((input, signal) => new Promise((resolve, reject) => pending.push({ input, signal, resolve, reject })));
    latest.now('one');
    latest.now('two');
    expect(pending[0].signal.aborted).toBe(true);
    expect(pending[1].signal.aborted).toBe(false);
    pending[1].resolve('second');
    await vi.advanceTimersByTimeAsync(0);
    pending[0].resolve('first');
    pending[0].reject(new Error('aborted'));
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual(['busy', 'busy', { ok: true, value: 'second' }]);
  });

  it('tells a failure, and stops cleanly', async () => {
    const error = new Error('offline');
    const run = vi.fn(async () => {
      throw error;
    });
    const { latest, told } = setup(run);
    latest.now('x');
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual(['busy', { ok: false, error }]);
    latest.update('later');
    latest.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
