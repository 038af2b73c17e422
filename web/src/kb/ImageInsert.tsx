// Images in the article editor: "Insert image" (a button opening a file picker), or images pasted
// into or dropped onto the body. Each is checked here first, then uploaded into the article as
// ticket and message files are (declared, sent to the presigned URL with exactly the headers
// given, confirmed) and named in the body on its own line at the cursor. Progress, the result and
// any failure are told in a polite live region. A new article has no id yet: its draft is saved first.
import type { JSX, RefObject } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { describeError, xhrSend, type Stage, type UploadTarget } from '../tickets/uploads';
import { checkImage, droppedFiles, IMAGE_ACCEPT, imageMarkdown, imageType, insertLine, pastedFiles } from './images';
import { kbProblem } from './problems';

export type ArticleImage = Schemas['ArticleImageView'];

export const SAVE_FIRST = 'Save the draft once to add images.';

/** Uploads `file` into the article; a failure is thrown worded for people (the server's field message first). */
export async function uploadImage(tenantId: string, articleId: string, file: File): Promise<ArticleImage> {
  const path = { tenant_id: tenantId, article_id: articleId };
  let stage: Stage = 'starting';
  try {
    const started = unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/images', {
        params: { path },
        body: { filename: file.name, content_type: imageType(file), size: file.size },
      }),
    );
    stage = 'sending';
    await xhrSend(started.upload as UploadTarget, file, () => undefined);
    stage = 'confirming';
    return unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/images/{image_id}/complete', {
        params: { path: { ...path, image_id: started.image.id } },
      }),
    );
  } catch (e) {
    throw new Error(describeError(kbProblem(e), stage));
  }
}

interface Said {
  text: string;
  error: boolean;
}

export interface ImageInsert {
  /** Whether images can go in (the article is saved). */
  ready: boolean;
  /** An upload is under way. */
  busy: boolean;
  said: Said;
  /** Checks, uploads and inserts `files`, one after the other. */
  insert: (files: File[]) => void;
  /** For the body's textarea: images pasted or dropped go in; where its cursor was is kept. */
  area: {
    onPaste: (e: JSX.TargetedClipboardEvent<HTMLTextAreaElement>) => void;
    onDragOver: (e: JSX.TargetedDragEvent<HTMLTextAreaElement>) => void;
    onDrop: (e: JSX.TargetedDragEvent<HTMLTextAreaElement>) => void;
    onFocus: () => void;
  };
}

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/**
 * Images for the body in `textarea` of `articleId` (null for an article not saved yet); the body
 * changes through `setBody`, so the form and its preview follow.
 */
export function useImageInsert(
  tenantId: string,
  articleId: string | null,
  textarea: RefObject<HTMLTextAreaElement>,
  setBody: (body: string) => void,
): ImageInsert {
  const [said, setSaid] = useState<Said>({ text: '', error: false });
  const [pending, setPending] = useState(0);
  const queue = useRef<Promise<void>>(Promise.resolve());
  // Until the body was focused its cursor means nothing: images go at the end.
  const touched = useRef(false);
  const latest = useRef(setBody);
  latest.current = setBody;

  /** Puts `line` on its own line at the cursor; answers where the cursor goes after it. */
  const place = (line: string): number => {
    const area = textarea.current;
    const text = area?.value ?? '';
    const next = insertLine(text, line, area && touched.current ? area.selectionEnd : text.length);
    // Written at once as well, so an image finishing right after this one sees it.
    if (area) area.value = next.text;
    latest.current(next.text);
    return next.cursor;
  };

  const run = async (files: File[]) => {
    if (!articleId) {
      setSaid({ text: SAVE_FIRST, error: true });
      return;
    }
    const problems: string[] = [];
    let inserted = 0;
    let cursor = -1;
    for (const file of files) {
      const wrong = checkImage(file);
      if (wrong) {
        problems.push(wrong);
        continue;
      }
      setSaid({ text: `Uploading ${file.name}…`, error: false });
      try {
        const image = await uploadImage(tenantId, articleId, file);
        cursor = place(imageMarkdown(file.name, image.url));
        inserted++;
      } catch (e) {
        problems.push(`${file.name} could not be added: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const done = inserted === 0 ? [] : [inserted === 1 ? 'Image inserted.' : `${inserted} images inserted.`];
    setSaid({ text: [...done, ...problems].join(' '), error: problems.length > 0 });
    const area = textarea.current;
    if (cursor >= 0 && area) {
      area.focus();
      area.setSelectionRange(cursor, cursor);
    }
  };

  const insert = (files: File[]) => {
    if (!files.length) return;
    setPending((n) => n + 1);
    queue.current = queue.current
      .then(() => run(files))
      .catch((e: unknown) => setSaid({ text: e instanceof Error ? e.message : String(e), error: true }))
      .finally(() => setPending((n) => n - 1));
  };

  return {
    ready: articleId !== null,
    busy: pending > 0,
    said,
    insert,
    area: {
      onPaste: (e) => {
        const files = pastedFiles(e.clipboardData);
        if (!files.length) return;
        e.preventDefault();
        touched.current = true;
        insert(files);
      },
      onDragOver: (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      },
      onDrop: (e) => {
        const files = droppedFiles(e.dataTransfer);
        if (!files.length) return;
        // The browser would open the file instead.
        e.preventDefault();
        insert(files);
      },
      onFocus: () => {
        touched.current = true;
      },
    },
  };
}

/** "Insert image" under the body: a button opening a file picker, what it is for and what happened. */
export function ImageControl({ images }: { images: ImageInsert }) {
  const id = useId();
  const picker = useRef<HTMLInputElement>(null);
  const { said } = images;
  return (
    <div class="kb-images">
      <button
        type="button"
        class="button button--secondary"
        disabled={!images.ready}
        aria-describedby={`${id}-hint`}
        onClick={() => picker.current?.click()}
      >
        Insert image
      </button>
      <input
        ref={picker}
        type="file"
        accept={IMAGE_ACCEPT}
        hidden
        tabIndex={-1}
        aria-label="Image to insert"
        onChange={(e) => {
          const input = e.currentTarget;
          const files = Array.from(input.files ?? []);
          // The same file can be picked again.
          input.value = '';
          images.insert(files);
        }}
      />
      <p class="field__hint" id={`${id}-hint`}>
        {images.ready ? 'PNG, JPEG, GIF or WebP, at most 10 MB. You can also paste or drop one into the body.' : SAVE_FIRST}
      </p>
      <p role="status" class={said.error ? 'alert alert--error kb-images__said' : said.text ? 'kb-images__said' : 'visually-hidden'}>
        {said.text}
      </p>
    </div>
  );
}
