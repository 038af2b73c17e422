import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useRef, useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));
const uploads = vi.hoisted(() => ({ xhrSend: vi.fn() }));
vi.mock('../tickets/uploads', async (original) => ({
  ...(await original<typeof import('../tickets/uploads')>()),
  xhrSend: uploads.xhrSend,
}));

import { ImageControl, useImageInsert } from './ImageInsert';

const URL = '/api/v1/tenants/acme/kb/articles/a1/images/i1';
const TARGET = { url: 'http://localhost/blobs/x', method: 'PUT', headers: [{ name: 'Content-Type', value: 'image/png' }] };
const ok = (body: unknown, status = 200) => ({ data: body, response: new Response(null, { status }) });
const refused = (status: number, errors: { field: string; message: string }[]) => ({
  error: { type: 'about:blank', title: 'Some fields are not valid', status, errors },
  response: new Response(null, { status }),
});
const png = (name = 'settings.png', size = 3) => new File([new Uint8Array(size)], name, { type: 'image/png' });

/** The body's textarea with the control, as the editor has them. */
function Body({ articleId, initial = '', onBody }: { articleId: string | null; initial?: string; onBody?: (b: string) => void }) {
  const [body, setBody] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  const images = useImageInsert('acme', articleId, ref, (b) => {
    setBody(b);
    onBody?.(b);
  });
  return (
    <>
      <label for="body">Body</label>
      <textarea id="body" ref={ref} value={body} onInput={(e) => setBody(e.currentTarget.value)} {...images.area} />
      <ImageControl images={images} />
    </>
  );
}

const picker = () => document.querySelector<HTMLInputElement>('input[type=file]')!;
const pick = (file: File) => fireEvent.change(picker(), { target: { files: [file] } });

afterEach(() => vi.resetAllMocks());

describe('inserting an image into the body', () => {
  it('asks for the draft to be saved first', () => {
    render(<Body articleId={null} />);
    const button = screen.getByRole('button', { name: 'Insert image' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(document.getElementById(button.getAttribute('aria-describedby')!)?.textContent).toBe('Save the draft once to add images.');
  });

  it('opens a picker of the four image types from a real button', () => {
    render(<Body articleId="a1" />);
    const button = screen.getByRole('button', { name: 'Insert image' }) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(picker().accept).toBe('image/png,image/jpeg,image/gif,image/webp');
    expect(picker().hidden).toBe(true);
    const click = vi.spyOn(picker(), 'click');
    fireEvent.click(button);
    expect(click).toHaveBeenCalled();
  });

  it('uploads a picked image and names it at the cursor, on its own line', async () => {
    api.POST.mockImplementation(async (path: string) =>
      path.endsWith('/complete')
        ? ok({ id: 'i1', filename: 'settings.png', ready: true, url: URL })
        : ok({ image: { id: 'i1', url: URL }, upload: TARGET }, 201),
    );
    let sent = () => {};
    uploads.xhrSend.mockReturnValue(new Promise<void>((resolve) => (sent = resolve)));
    const onBody = vi.fn();
    render(<Body articleId="a1" initial={'# Mail\nOpen Settings.'} onBody={onBody} />);
    const body = screen.getByLabelText('Body') as HTMLTextAreaElement;
    fireEvent.focus(body);
    body.setSelectionRange(7, 7);
    const file = png();
    pick(file);
    await screen.findByText('Uploading settings.png…');
    sent();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Image inserted.'));
    expect(api.POST).toHaveBeenNthCalledWith(1, '/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/images', {
      params: { path: { tenant_id: 'acme', article_id: 'a1' } },
      body: { filename: 'settings.png', content_type: 'image/png', size: 3 },
    });
    expect(uploads.xhrSend).toHaveBeenCalledWith(TARGET, file, expect.any(Function));
    expect(api.POST).toHaveBeenNthCalledWith(2, '/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/images/{image_id}/complete', {
      params: { path: { tenant_id: 'acme', article_id: 'a1', image_id: 'i1' } },
    });
    const expected = `# Mail\n![settings](${URL})\nOpen Settings.`;
    expect(body.value).toBe(expected);
    expect(onBody).toHaveBeenCalledWith(expected);
    expect(document.activeElement).toBe(body);
    expect(body.selectionStart).toBe(`# Mail\n![settings](${URL})\n`.length);
  });

  it('goes at the end of a body never focused', async () => {
    api.POST.mockImplementation(async (path: string) =>
      path.endsWith('/complete') ? ok({ id: 'i1', url: URL }) : ok({ image: { id: 'i1', url: URL }, upload: TARGET }, 201),
    );
    uploads.xhrSend.mockResolvedValue(undefined);
    render(<Body articleId="a1" initial="Intro" />);
    pick(png('diagram.webp'));
    await screen.findByText('Image inserted.');
    expect((screen.getByLabelText('Body') as HTMLTextAreaElement).value).toBe(`Intro\n![diagram](${URL})\n`);
  });

  it('refuses a file of the wrong type or too large before sending anything', async () => {
    render(<Body articleId="a1" initial="Intro" />);
    pick(new File(['hi'], 'notes.txt', { type: 'text/plain' }));
    await screen.findByText('notes.txt is not a PNG, JPEG, GIF or WebP image: choose one of those.');
    const status = screen.getByRole('status');
    expect(status.className).toContain('alert--error');
    pick(png('huge.png', 11 * 1024 * 1024));
    await screen.findByText('huge.png is 11.0 MB: choose an image of at most 10 MB.');
    expect(api.POST).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Body') as HTMLTextAreaElement).value).toBe('Intro');
  });

  it("shows the server's message for the field it refused", async () => {
    api.POST.mockResolvedValue(refused(422, [{ field: 'size', message: 'the storage is full: 500 MiB of 500 MiB used' }]));
    render(<Body articleId="a1" />);
    pick(png());
    await screen.findByText('settings.png could not be added: Your organization’s storage is full (500 MB of 500 MB used).');
    expect(uploads.xhrSend).not.toHaveBeenCalled();
  });

  it('takes an image pasted into the body; a draft not saved yet says to save it', async () => {
    api.POST.mockImplementation(async (path: string) =>
      path.endsWith('/complete') ? ok({ id: 'i1', url: URL }) : ok({ image: { id: 'i1', url: URL }, upload: TARGET }, 201),
    );
    uploads.xhrSend.mockResolvedValue(undefined);
    const clipboard = { files: [png('image.png')], getData: () => '' };
    const { unmount } = render(<Body articleId="a1" />);
    fireEvent.paste(screen.getByLabelText('Body'), { clipboardData: clipboard });
    await screen.findByText('Image inserted.');
    expect((screen.getByLabelText('Body') as HTMLTextAreaElement).value).toBe(`![image](${URL})\n`);
    unmount();

    render(<Body articleId={null} />);
    fireEvent.paste(screen.getByLabelText('Body'), { clipboardData: clipboard });
    await screen.findByText('Save the draft once to add images.', { selector: '[role=status]' });
  });
});
