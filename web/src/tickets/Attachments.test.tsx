import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { me, type Me } from '../app/session';
import type { Message, Ticket } from './api';
import { AttachmentsPanel, FilePicker, uploaderLabel, UploadList } from './Attachments';
import { Uploads, type Attachment, type Transport } from './uploads';

const http = vi.hoisted(() => ({ listAttachments: vi.fn(), downloadUrl: vi.fn() }));
vi.mock('./uploads', async (original) => ({ ...(await original<typeof import('./uploads')>()), ...http }));

const ticket = { id: 't1', tenant_id: 'acme', requester_id: 'u1' } as Ticket;
const attachment = (id: string, uploader_id = 'u1'): Attachment => ({
  id,
  filename: `${id}.txt`,
  content_type: 'text/plain',
  size: 2048,
  uploader_id,
  ready: true,
  created_at: '2026-12-01T10:00:00Z',
});

function transport(overrides: Partial<Transport> = {}): Transport {
  return {
    start: vi.fn(async () => ({ attachment: { ...attachment('new'), ready: false }, upload: { url: 'u', method: 'PUT', headers: {} } })),
    send: vi.fn(async (_t, body, onProgress) => onProgress(body.size, body.size)),
    complete: vi.fn(async () => attachment('new')),
    ...overrides,
  };
}

afterEach(() => {
  vi.resetAllMocks();
  me.value = undefined;
});

describe('FilePicker and UploadList', () => {
  it('queues picked and dropped files, each with a named progress bar and a remove button', async () => {
    const uploads = new Uploads(transport());
    render(
      <fieldset>
        <UploadList uploads={uploads} waiting="Sent with the ticket" />
        <FilePicker uploads={uploads} />
      </fieldset>,
    );
    const input = screen.getByLabelText('Attach files') as HTMLInputElement;
    expect(input.type).toBe('file');
    expect(input.multiple).toBe(true);
    fireEvent.change(input, { target: { files: [new File(['hi'], 'notes.txt', { type: 'text/plain' })] } });
    const dropped = new File(['png'], 'shot.png', { type: 'image/png' });
    fireEvent.drop(input.parentElement!, { dataTransfer: { files: [dropped], types: ['Files'] } });

    const bars = await screen.findAllByRole('progressbar');
    expect(bars.map((b) => b.getAttribute('aria-label'))).toEqual(['Upload of notes.txt', 'Upload of shot.png']);
    expect(screen.getAllByText('Sent with the ticket')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Remove notes.txt' }));
    await waitFor(() => expect(screen.getAllByRole('progressbar')).toHaveLength(1));
    expect(document.activeElement).toBe(input);
    expect(screen.getByRole('status').textContent).toBe('notes.txt removed.');
  });

  it('shows a failure next to the file, announces it, and retries', async () => {
    const start = vi.fn().mockRejectedValueOnce(
      new ApiError(422, {
        type: 'x',
        title: 'Invalid',
        status: 422,
        errors: [{ field: 'size', message: "this organization's storage is full: 5 MiB of 5 MiB used" }],
      }),
    );
    const t = transport();
    start.mockImplementation(t.start);
    const uploads = new Uploads({ ...t, start });
    render(<UploadList uploads={uploads} />);
    uploads.add([new File(['hi'], 'notes.txt', { type: 'text/plain' })]);
    await uploads.attach(ticket);

    await screen.findByText('Your organization’s storage is full (5 MB of 5 MB used).');
    expect(screen.getByRole('status').textContent).toBe('notes.txt failed: Your organization’s storage is full (5 MB of 5 MB used).');
    expect(screen.getByRole('button', { name: 'Remove notes.txt' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry notes.txt' }));
    await screen.findByText('Uploaded · 100%');
    expect((screen.getByRole('progressbar', { name: 'Upload of notes.txt' }) as HTMLProgressElement).value).toBe(100);
    expect(screen.getByRole('status').textContent).toBe('notes.txt uploaded.');
  });
});

describe('AttachmentsPanel', () => {
  it('lists the files with who added them and fetches the download link on click', async () => {
    me.value = { user: { id: 'u1', role: 'client', tenant: 'acme', name: 'Dana' } } as unknown as Me;
    http.listAttachments.mockResolvedValue([attachment('mine'), attachment('theirs', 'u7')]);
    http.downloadUrl.mockRejectedValue(new ApiError(404, { type: 'x', title: 'Not found', status: 404 }));
    const messages = [{ author_id: 'u7', author_role: 'staff' }] as Message[];
    render(<AttachmentsPanel ticket={ticket} messages={messages} />);

    const link = await screen.findByRole('link', { name: 'Download mine.txt' });
    expect(screen.getByText(/2 KB · You ·/)).toBeTruthy();
    expect(screen.getByText(/2 KB · Staff ·/)).toBeTruthy();
    fireEvent.click(link);
    await waitFor(() => expect(http.downloadUrl).toHaveBeenCalledWith('acme', 't1', 'mine'));
    await screen.findByText(
      'mine.txt could not be downloaded. We couldn’t find that. It may have been removed, or you may not have access to it.',
    );
    expect(screen.getByLabelText('Attach files')).toBeTruthy();
  });

  it('offers only removal for a file of a refused type', async () => {
    const start = vi.fn().mockRejectedValue(
      new ApiError(422, {
        type: 'x',
        title: 'Invalid',
        status: 422,
        errors: [
          { field: 'content_type', message: 'this type of file is not accepted: use images, PDF, text, office documents, zip or mp4' },
        ],
      }),
    );
    const uploads = new Uploads({ ...transport(), start });
    render(<UploadList uploads={uploads} />);
    uploads.add([new File(['MZ'], 'tool.exe')]);
    await uploads.attach(ticket);
    await screen.findByText('This type of file cannot be attached. Attach images, PDFs, text, office documents, zip or mp4 files.');
    expect(screen.queryByRole('button', { name: 'Retry tool.exe' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove tool.exe' }));
    await waitFor(() => expect(screen.queryByText('tool.exe')).toBeNull());
  });

  it('names uploaders it cannot place', () => {
    expect(uploaderLabel(attachment('a', 'u1'), ticket, [], 'u9')).toBe('Requester');
    expect(uploaderLabel(attachment('a', 'u5'), ticket, [], 'u9')).toBe('Someone else');
  });
});
