import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilingRecord, MAX_SHOWN, SETTLE_MS } from './filing';

function fakeApi() {
  return {
    start: vi.fn(async (_shown: string[]) => ({ id: 'f1' })),
    opened: vi.fn(async () => undefined),
    filed: vi.fn(async () => undefined),
  };
}

describe('the record of a filing that showed suggestions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the subject to settle and names every article shown until then', async () => {
    const api = fakeApi();
    const record = new FilingRecord(api);
    record.show(['a1', 'a2']);
    await vi.advanceTimersByTimeAsync(SETTLE_MS - 100);
    record.show(['a2', 'a3']);
    await vi.advanceTimersByTimeAsync(SETTLE_MS - 100);
    expect(api.start).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(api.start).toHaveBeenCalledWith(['a1', 'a2', 'a3']);
    // Written once: later suggestions do not make another.
    record.show(['a4']);
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(api.start).toHaveBeenCalledTimes(1);
  });

  it('is written at once when an article is opened, and records opens of the articles it names', async () => {
    const api = fakeApi();
    const record = new FilingRecord(api);
    record.show(['a1', 'a2']);
    await record.opened('a2');
    expect(api.start).toHaveBeenCalledWith(['a1', 'a2']);
    expect(api.opened).toHaveBeenCalledWith('f1', 'a2');
    await record.opened('a2');
    expect(api.opened).toHaveBeenCalledTimes(1);
    // Suggested after the record was written: opens, unrecorded.
    record.show(['a9']);
    await record.opened('a9');
    expect(api.opened).toHaveBeenCalledTimes(1);
  });

  it('records the ticket filed after all, and nothing when nothing was shown', async () => {
    const api = fakeApi();
    const record = new FilingRecord(api);
    record.show(['a1']);
    await record.filed('t1');
    expect(api.start).toHaveBeenCalledTimes(1);
    expect(api.filed).toHaveBeenCalledWith('f1', 't1');

    const quiet = fakeApi();
    const none = new FilingRecord(quiet);
    none.show([]);
    await none.filed('t2');
    none.close();
    expect(quiet.start).not.toHaveBeenCalled();
    expect(quiet.filed).not.toHaveBeenCalled();
  });

  it('is written when the person leaves, names at most the server’s limit, and never fails the filing', async () => {
    const api = fakeApi();
    api.start.mockRejectedValueOnce(new Error('503'));
    const record = new FilingRecord(api);
    record.show(Array.from({ length: MAX_SHOWN + 5 }, (_, i) => `a${i}`));
    record.close();
    expect(api.start.mock.calls[0][0]).toHaveLength(MAX_SHOWN);
    await expect(record.filed('t1')).resolves.toBeUndefined();
    expect(api.filed).not.toHaveBeenCalled();
  });
});
