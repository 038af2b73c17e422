// Images in an article's body, the editor's part that needs no page: which files may go up (the
// server's rules: PNG, JPEG, GIF or WebP of 1 byte to 10 MiB), the Markdown naming one, and
// where that goes in the body (its own line at the cursor).
import { contentType } from '../tickets/uploads';

export const IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
/** The file picker's `accept`. */
export const IMAGE_ACCEPT = IMAGE_TYPES.join(',');
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

interface Picked {
  name: string;
  type: string;
  size: number;
}

/** The type to declare for `file`: the browser's, else one guessed from its extension. */
export const imageType = (file: Pick<Picked, 'name' | 'type'>) => contentType(file);

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Why `file` cannot go into an article, in words for people; null when it can. */
export function checkImage(file: Picked): string | null {
  if (!IMAGE_TYPES.includes(imageType(file))) return `${file.name} is not a PNG, JPEG, GIF or WebP image: choose one of those.`;
  if (file.size <= 0) return `${file.name} is empty: choose another image.`;
  if (file.size > MAX_IMAGE_BYTES) return `${file.name} is ${megabytes(file.size)}: choose an image of at most 10 MB.`;
  return null;
}

/** The image's description: its file name without the extension, kept to what Markdown reads as text. */
export function altText(filename: string): string {
  const base = filename.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const text = base
    .replace(/[[\]\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text || 'image';
}

/** `![description](url)` for an image named `filename` served at `url`. */
export function imageMarkdown(filename: string, url: string): string {
  const safe = url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `![${altText(filename)}](${safe})`;
}

export interface Inserted {
  text: string;
  /** Where the cursor goes: just after what was inserted. */
  cursor: number;
}

/**
 * `text` with `line` inserted at `at` (the end when left out) on a line of its own: a line break
 * is added before it unless a line starts there, and after it unless one follows.
 */
export function insertLine(text: string, line: string, at = text.length): Inserted {
  const i = Math.min(Math.max(0, Math.floor(at)), text.length);
  const before = text.slice(0, i);
  const after = text.slice(i);
  const lead = before === '' || before.endsWith('\n') ? '' : '\n';
  const trail = after.startsWith('\n') ? '' : '\n';
  const inserted = `${lead}${line}${trail}`;
  return { text: before + inserted + after, cursor: before.length + inserted.length };
}

/** The files a drop brings (the images and anything else: `checkImage` says which fit). */
export function droppedFiles(data: Pick<DataTransfer, 'files'> | null | undefined): File[] {
  return data?.files ? Array.from(data.files) : [];
}

/**
 * The files a paste brings to upload: none when it brings text as well (cells copied from a
 * spreadsheet come with a picture of them, and the text is what was meant).
 */
export function pastedFiles(data: Pick<DataTransfer, 'files' | 'getData'> | null | undefined): File[] {
  if (!data || data.getData('text/plain')) return [];
  return droppedFiles(data);
}
