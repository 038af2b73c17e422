import { describe, expect, it } from 'vitest';
import {
  altText,
  checkImage,
  droppedFiles,
  IMAGE_ACCEPT,
  imageMarkdown,
  imageType,
  insertLine,
  MAX_IMAGE_BYTES,
  pastedFiles,
} from './images';

const URL = '/api/v1/tenants/acme/kb/articles/a1/images/i1';

describe('the images an article takes', () => {
  it('takes PNG, JPEG, GIF and WebP of 1 byte to 10 MiB', () => {
    expect(IMAGE_ACCEPT).toBe('image/png,image/jpeg,image/gif,image/webp');
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) {
      expect(checkImage({ name: 'shot', type, size: 1 })).toBeNull();
    }
    expect(checkImage({ name: 'big.png', type: 'image/png', size: MAX_IMAGE_BYTES })).toBeNull();
  });

  it('says what is wrong with any other file before it is sent', () => {
    expect(checkImage({ name: 'notes.txt', type: 'text/plain', size: 10 })).toBe(
      'notes.txt is not a PNG, JPEG, GIF or WebP image: choose one of those.',
    );
    expect(checkImage({ name: 'logo.svg', type: 'image/svg+xml', size: 10 })).toMatch(/^logo\.svg is not a PNG/);
    expect(checkImage({ name: 'huge.jpg', type: 'image/jpeg', size: MAX_IMAGE_BYTES + 1 })).toBe(
      'huge.jpg is 10.0 MB: choose an image of at most 10 MB.',
    );
    expect(checkImage({ name: 'huge.jpg', type: 'image/jpeg', size: 12.5 * 1024 * 1024 })).toMatch(/is 12\.5 MB/);
    expect(checkImage({ name: 'empty.gif', type: 'image/gif', size: 0 })).toBe('empty.gif is empty: choose another image.');
  });

  it('guesses the type from the extension when the browser gives none', () => {
    expect(imageType({ name: 'Screen Shot.PNG', type: '' })).toBe('image/png');
    expect(imageType({ name: 'photo.jpeg', type: '' })).toBe('image/jpeg');
    expect(checkImage({ name: 'photo.webp', type: '', size: 5 })).toBeNull();
    expect(checkImage({ name: 'photo.bmp', type: '', size: 5 })).toMatch(/is not a PNG/);
  });
});

describe('the Markdown naming an image', () => {
  it('describes it by its file name without the extension', () => {
    expect(imageMarkdown('settings.png', URL)).toBe(`![settings](${URL})`);
    expect(altText('mail settings.v2.jpeg')).toBe('mail settings.v2');
    expect(altText('C:\\fakepath\\shot.png')).toBe('shot');
  });

  it('keeps the description and the address readable as Markdown', () => {
    expect(altText('[draft] step\n1].png')).toBe('draft step 1');
    expect(altText('.png')).toBe('image');
    expect(altText('')).toBe('image');
    expect(imageMarkdown('a.png', '/images/x (1) y')).toBe('![a](/images/x%20%281%29%20y)');
  });
});

describe('inserting an image on a line of its own', () => {
  const line = '![a](/i)';

  it('goes at the end of the body when no cursor is given, after a line break', () => {
    expect(insertLine('Intro', line)).toEqual({ text: 'Intro\n![a](/i)\n', cursor: 15 });
    expect(insertLine('Intro\n', line)).toEqual({ text: 'Intro\n![a](/i)\n', cursor: 15 });
    expect(insertLine('', line)).toEqual({ text: '![a](/i)\n', cursor: 9 });
  });

  it('splits a line at the cursor and adds no blank lines of its own', () => {
    expect(insertLine('Before after', line, 7)).toEqual({ text: 'Before \n![a](/i)\nafter', cursor: 17 });
    expect(insertLine('One\nTwo', line, 4)).toEqual({ text: 'One\n![a](/i)\nTwo', cursor: 13 });
    expect(insertLine('One\n\nTwo', line, 3)).toEqual({ text: 'One\n![a](/i)\n\nTwo', cursor: 12 });
    expect(insertLine('Top', line, 0)).toEqual({ text: '![a](/i)\nTop', cursor: 9 });
  });

  it('takes a cursor out of range as the nearest end', () => {
    expect(insertLine('abc', line, 99).text).toBe('abc\n![a](/i)\n');
    expect(insertLine('abc', line, -4).text).toBe('![a](/i)\nabc');
  });
});

describe('files pasted or dropped', () => {
  const png = new File(['x'], 'image.png', { type: 'image/png' });
  const data = (text: string) => ({ files: [png] as unknown as FileList, getData: (t: string) => (t === 'text/plain' ? text : '') });

  it('uploads a pasted picture, unless text comes with it', () => {
    expect(pastedFiles(data(''))).toEqual([png]);
    expect(pastedFiles(data('A1\tB1'))).toEqual([]);
    expect(pastedFiles(null)).toEqual([]);
  });

  it('takes every file dropped', () => {
    expect(droppedFiles({ files: [png, png] as unknown as FileList })).toHaveLength(2);
    expect(droppedFiles(undefined)).toEqual([]);
  });
});
