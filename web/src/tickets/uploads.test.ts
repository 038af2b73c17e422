import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import {
  canRetry,
  contentType,
  describeError,
  formatSize,
  headerPairs,
  percent,
  resumeFrom,
  Uploads,
  xhrSend,
  type Attachment,
  type Transport,
  type UploadTarget,
} from './uploads';

const ticket = { tenant_id: 'acme', id: 't1' };
const file = (name: string, body = 'hello', type = 'text/plain') => new File([body], name, { type });
const attachment = (id: string, ready = false): Attachment => ({
  id,
  filename: 'a.txt',
  content_type: 'text/plain',
  size: 5,
  uploader_id: 'u1',
  ready,
  created_at: '2026-12-01T10:00:00Z',
});
const target: UploadTarget = {
  url: 'http://localhost:3000/blobs/k?sig=1',
  method: 'PUT',
  headers: [{ name: 'content-type', value: 'text/plain' }],
};
const invalid = (field: string, message: string) =>
  new ApiError(422, { type: 'x', title: 'Some fields are not valid', status: 422, errors: [{ field, message }] });

/** A transport whose steps the test resolves by hand. */
function fakeTransport() {
  let n = 0;
  const t = {
    start: vi.fn(async () => ({ attachment: attachment(`a${++n}`), upload: target })),
    send: vi.fn(async (_t: UploadTarget, body: Blob, onProgress: (l: number, t: number) => void) => {
      onProgress(body.size / 2, body.size);
      onProgress(body.size, body.size);
    }),
    complete: vi.fn(async (_tenant: string, _ticket: string, id: string) => attachment(id, true)),
  } satisfies Transport;
  return t;
}

describe('progress', () => {
  it('is whole percent, never over 100, 0 while the total is unknown', () => {
    expect(percent(0, 100)).toBe(0);
    expect(percent(1, 3)).toBe(33);
    expect(percent(999, 1000)).toBe(99);
    expect(percent(1000, 1000)).toBe(100);
    expect(percent(1200, 1000)).toBe(100);
    expect(percent(50, 0)).toBe(0);
    expect(percent(Number.NaN, 10)).toBe(0);
  });

  it('sizes read in binary units', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(25 * 1024 * 1024)).toBe('25 MB');
  });
});

describe('the upload request', () => {
  it('takes headers as a list or a map and leaves out what the browser sets', () => {
    expect(headerPairs([{ name: 'content-type', value: 'image/png' }])).toEqual([['content-type', 'image/png']]);
    expect(headerPairs({ 'Content-Type': 'image/png', 'Content-Length': '5', 'x-amz-acl': 'private' })).toEqual([
      ['Content-Type', 'image/png'],
      ['x-amz-acl', 'private'],
    ]);
    expect(headerPairs(undefined)).toEqual([]);
  });

  it('declares the browser’s type, or one from the extension', () => {
    expect(contentType({ name: 'a.png', type: 'image/png' })).toBe('image/png');
    expect(contentType({ name: 'server.LOG', type: '' })).toBe('text/plain');
    expect(contentType({ name: 'README', type: '' })).toBe('application/octet-stream');
  });

  it('sends with the method and headers given and reports progress', async () => {
    const sent: { method?: string; url?: string; headers: [string, string][]; body?: unknown } = { headers: [] };
    class FakeXhr {
      status = 0;
      responseText = '';
      upload: { onprogress: ((e: Partial<ProgressEvent>) => void) | null } = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      ontimeout: (() => void) | null = null;
      open(method: string, url: string) {
        Object.assign(sent, { method, url });
      }
      setRequestHeader(name: string, value: string) {
        sent.headers.push([name, value]);
      }
      send(body: unknown) {
        sent.body = body;
        this.upload.onprogress?.({ lengthComputable: true, loaded: 2, total: 5 });
        this.upload.onprogress?.({ lengthComputable: false, loaded: 3, total: 0 });
        this.status = 200;
        this.onload?.();
      }
    }
    const progress: number[] = [];
    const body = file('a.txt');
    await xhrSend(target, body, (l, t) => progress.push(percent(l, t)), FakeXhr as unknown as typeof XMLHttpRequest);
    expect(sent).toEqual({ method: 'PUT', url: target.url, headers: [['content-type', 'text/plain']], body });
    expect(progress).toEqual([40, 100]);
  });

  it('rejects with the storage’s problem, or status 0 when there is no answer', async () => {
    const failing = (status: number, text: string, network = false) =>
      class {
        status = status;
        responseText = text;
        upload = {};
        onload: (() => void) | null = null;
        onerror: (() => void) | null = null;
        open() {}
        setRequestHeader() {}
        send() {
          (network ? this.onerror : this.onload)?.();
        }
      } as unknown as typeof XMLHttpRequest;
    const problem = { type: 'x', title: 'The link has expired', status: 403 };
    await expect(xhrSend(target, file('a'), () => {}, failing(403, JSON.stringify(problem)))).rejects.toMatchObject({
      status: 403,
      problem,
    });
    await expect(xhrSend(target, file('a'), () => {}, failing(500, '<Error/>'))).rejects.toMatchObject({ status: 500, problem: undefined });
    await expect(xhrSend(target, file('a'), () => {}, failing(0, '', true))).rejects.toMatchObject({ status: 0 });
  });
});

describe('errors', () => {
  it('names the fields the server faulted', () => {
    expect(describeError(invalid('size', "this organization's storage is full: 5 MiB of 5 MiB used"), 'starting')).toBe(
      'Your organization’s storage is full (5 MB of 5 MB used).',
    );
    const both = new ApiError(422, {
      type: 'x',
      title: 'Some fields are not valid',
      status: 422,
      errors: [
        { field: 'content_type', message: 'this type of file is not accepted' },
        { field: 'size', message: 'a file is 1 byte to 25 MiB' },
      ],
    });
    expect(describeError(both, 'starting')).toBe(
      'This type of file cannot be attached. Attach images, PDFs, text, office documents, zip or mp4 files. Attach files of at most 25 MB.',
    );
  });

  it('explains lost connections, expired links and refused confirmations', () => {
    expect(describeError(new ApiError(0, undefined), 'sending')).toMatch(/could not be sent/);
    expect(describeError(new ApiError(0, undefined), 'confirming')).toMatch(/could not be reached/);
    expect(describeError(new ApiError(403, { type: 'x', title: 'The link has expired', status: 403 }), 'sending')).toMatch(/expired/);
    const mismatch = new ApiError(409, {
      type: 'x',
      title: 'Conflict',
      status: 409,
      detail: 'the uploaded file is not the one declared; start again',
    });
    expect(describeError(mismatch, 'confirming')).toBe('The file changed while it was being sent. Try attaching it again.');
    expect(describeError(new ApiError(502, undefined), 'starting')).toBe('Something went wrong on our side. Try again in a moment.');
    expect(describeError(new Error('boom'), 'starting')).toBe('boom');
  });

  it('resumes a lost confirmation without sending again, unless the server threw the file away', () => {
    expect(resumeFrom('confirming', new ApiError(0, undefined))).toBe('complete');
    expect(resumeFrom('confirming', new ApiError(409, undefined))).toBe('start');
    expect(resumeFrom('sending', new ApiError(0, undefined))).toBe('start');
    expect(resumeFrom('starting', invalid('size', 'full'))).toBe('start');
  });

  it('offers no retry for a file whose name or type the server refused', () => {
    expect(canRetry(invalid('content_type', 'not accepted'))).toBe(false);
    expect(canRetry(invalid('filename', 'is required'))).toBe(false);
    expect(canRetry(invalid('size', "this organization's storage is full"))).toBe(true);
    expect(canRetry(new ApiError(0, undefined))).toBe(true);
  });
});

describe('Uploads', () => {
  it('waits for the ticket, then sends each file in turn with its progress', async () => {
    const transport = fakeTransport();
    const seen: number[] = [];
    transport.send.mockImplementation(async (_t, body, onProgress) => {
      onProgress(body.size / 2, body.size);
      seen.push(uploads.items.value.find((i) => i.stage === 'sending')!.progress);
      onProgress(body.size, body.size);
    });
    const uploads = new Uploads(transport);
    const done = vi.fn();
    uploads.onUploaded = done;
    uploads.add([file('a.txt', 'abcd'), file('b.png', 'png!', 'image/png')]);
    await Promise.resolve();
    expect(transport.start).not.toHaveBeenCalled();
    expect(uploads.items.value.map((i) => i.stage)).toEqual(['queued', 'queued']);

    await uploads.attach(ticket);
    expect(transport.start.mock.calls).toEqual([
      ['acme', 't1', { filename: 'a.txt', content_type: 'text/plain', size: 4 }],
      ['acme', 't1', { filename: 'b.png', content_type: 'image/png', size: 4 }],
    ]);
    expect(transport.complete.mock.calls.map((c) => c[2])).toEqual(['a1', 'a2']);
    expect(seen).toEqual([50, 50]);
    expect(uploads.items.value.map((i) => [i.stage, i.progress, i.attachment?.ready])).toEqual([
      ['done', 100, true],
      ['done', 100, true],
    ]);
    expect(done).toHaveBeenCalledTimes(2);
    expect(uploads.said.value).toBe('b.png uploaded.');
  });

  it('sends a file added after the ticket exists right away', async () => {
    const transport = fakeTransport();
    const uploads = new Uploads(transport);
    await uploads.attach(ticket);
    uploads.add([file('late.txt')]);
    await vi.waitFor(() => expect(uploads.items.value[0].stage).toBe('done'));
  });

  it('shows a refused file’s field error, retries it, or drops it and goes on with the rest', async () => {
    const transport = fakeTransport();
    transport.start.mockRejectedValueOnce(invalid('content_type', 'this type of file is not accepted'));
    const uploads = new Uploads(transport);
    uploads.add([file('run.exe', 'MZ', 'application/x-msdownload'), file('ok.txt')]);
    await uploads.attach(ticket);
    const [bad, good] = uploads.items.value;
    expect(bad.stage).toBe('failed');
    expect(bad.error).toBe('This type of file cannot be attached. Attach images, PDFs, text, office documents, zip or mp4 files.');
    expect(bad.retryable).toBe(false);
    expect(good.stage).toBe('done');
    expect(uploads.said.value).toBe('ok.txt uploaded.');

    await uploads.retry(bad.key);
    expect(uploads.items.value[0].stage).toBe('done');

    transport.start.mockRejectedValueOnce(invalid('size', "this organization's storage is full: 5 MiB of 5 MiB used"));
    uploads.add([file('big.txt')]);
    await vi.waitFor(() => expect(uploads.items.value[2].stage).toBe('failed'));
    expect(uploads.said.value).toBe('big.txt failed: Your organization’s storage is full (5 MB of 5 MB used).');
    uploads.remove(uploads.items.value[2].key);
    uploads.remove(uploads.items.value[0].key); // done: stays
    expect(uploads.items.value.map((i) => i.file.name)).toEqual(['run.exe', 'ok.txt']);
  });

  it('declares again after a failed send, and only confirms after a lost confirmation', async () => {
    const transport = fakeTransport();
    transport.send.mockRejectedValueOnce(new ApiError(0, undefined));
    const uploads = new Uploads(transport);
    uploads.add([file('a.txt')]);
    await uploads.attach(ticket);
    expect(uploads.items.value[0]).toMatchObject({ stage: 'failed', resume: 'start' });
    await uploads.retry(uploads.items.value[0].key);
    expect(transport.start).toHaveBeenCalledTimes(2);
    expect(uploads.items.value[0]).toMatchObject({ stage: 'done', attachment: { id: 'a2', ready: true } });

    transport.complete.mockRejectedValueOnce(new ApiError(0, undefined));
    uploads.add([file('b.txt')]);
    await vi.waitFor(() => expect(uploads.items.value[1].stage).toBe('failed'));
    expect(uploads.items.value[1]).toMatchObject({ resume: 'complete', progress: 100 });
    await uploads.retry(uploads.items.value[1].key);
    expect(transport.start).toHaveBeenCalledTimes(3);
    expect(transport.send).toHaveBeenCalledTimes(3);
    expect(transport.complete.mock.calls.slice(-2).map((c) => c[2])).toEqual(['a3', 'a3']);
    expect(uploads.items.value[1].stage).toBe('done');
    uploads.clearDone();
    expect(uploads.items.value).toEqual([]);
  });
});
