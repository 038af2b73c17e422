// The tenant's brand as CSS custom properties. theme.css (render-blocking in index.html) sets
// them before first paint; this module applies the same values from GET /branding or /me,
// fixes colour pairs that fail WCAG AA, and caches the result per host for the next first paint.
import { signal } from '@preact/signals';
import type { Schemas } from '../api/client';
import { INK, readableOn, WHITE } from './contrast';

export type Branding = Schemas['BrandingView'];

export const branding = signal<Branding | null>(null);

const FONT_STACKS: Record<string, string> = {
  'system-ui': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  inter: 'Inter, system-ui, -apple-system, "Segoe UI", sans-serif',
  roboto: 'Roboto, system-ui, -apple-system, "Segoe UI", sans-serif',
  'open-sans': '"Open Sans", system-ui, -apple-system, "Segoe UI", sans-serif',
  lato: 'Lato, system-ui, -apple-system, "Segoe UI", sans-serif',
  merriweather: 'Merriweather, Georgia, "Times New Roman", serif',
  'source-serif': '"Source Serif 4", "Source Serif Pro", Georgia, serif',
};

export function fontStack(font: string): string {
  return FONT_STACKS[font] ?? FONT_STACKS['system-ui'];
}

/** The custom properties for a brand; every text-on-colour pair reaches AA. */
export function themeVars(b: Pick<Branding, 'primary' | 'secondary' | 'accent' | 'font'>): Record<string, string> {
  return {
    '--brand-primary': b.primary,
    '--brand-on-primary': readableOn(b.primary, WHITE),
    '--brand-secondary': b.secondary,
    '--brand-on-secondary': readableOn(b.secondary, WHITE),
    '--brand-accent': b.accent,
    '--brand-on-accent': readableOn(b.accent, INK),
    // Links and focus rings sit on the white page: the primary, or ink when it is too light.
    '--brand-link': readableOn(WHITE, b.primary),
    '--brand-font': fontStack(b.font),
  };
}

const cacheKey = () => `kt.theme:${location.host}`;

export function applyBranding(b: Branding, root: HTMLElement = document.documentElement): void {
  branding.value = b;
  const vars = themeVars(b);
  for (const [k, v] of Object.entries(vars)) root.style.setProperty(k, v);
  document.title = b.portal_name;
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', b.primary);
  const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (icon && b.logo_url) icon.href = b.logo_url;
  try {
    localStorage.setItem(cacheKey(), JSON.stringify({ name: b.portal_name, vars }));
  } catch {
    // Private mode or a full quota: the next first paint falls back to theme.css alone.
  }
}
