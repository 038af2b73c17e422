// WCAG 2.1 contrast: relative luminance of sRGB colours, the contrast ratio of a pair, and the
// readable text colour for a background when the brand's choice is not readable on it.

export const AA_NORMAL = 4.5;
export const AA_LARGE = 3;

export type Rgb = readonly [number, number, number];

/** `#rgb` or `#rrggbb` (case-insensitive) to channels 0..255; undefined for anything else. */
export function parseHex(hex: string): Rgb | undefined {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return undefined;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as unknown as Rgb;
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Contrast ratio between two colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const ca = parseHex(a);
  const cb = parseHex(b);
  if (!ca || !cb) return 1;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export function meetsAA(foreground: string, background: string, large = false): boolean {
  return contrastRatio(foreground, background) >= (large ? AA_LARGE : AA_NORMAL);
}

export const WHITE = '#ffffff';
export const INK = '#0f172a';

/** `preferred` when it is readable on `background`, else whichever of white or ink reads better. */
export function readableOn(background: string, preferred: string = WHITE): string {
  if (meetsAA(preferred, background)) return preferred;
  return contrastRatio(WHITE, background) >= contrastRatio(INK, background) ? WHITE : INK;
}
