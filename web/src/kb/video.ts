// A video in an article's body (the server turns a video address into a figure with a link to
// it): its provider's player loads only when the reader asks for it. Shared by the article page
// and the editor's preview, which show the same HTML.
import type { JSX } from 'preact';

// Players load only from the providers the server turns into figures.
const PLAYERS = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\/|www\.loom\.com\/embed\/)/;

/** A video's link swapped for its player, when the reader asks for it (a click on the body). */
export function playVideo(e: JSX.TargetedMouseEvent<HTMLElement>) {
  const link = (e.target as Element).closest?.('.kb-video__play');
  const figure = link?.parentElement;
  const src = figure?.getAttribute('data-embed') ?? '';
  if (!link || !figure || !PLAYERS.test(src)) return;
  e.preventDefault();
  const player = document.createElement('iframe');
  player.src = src;
  player.title = `Video from ${figure.getAttribute('data-provider') ?? 'its provider'}`;
  player.allow = 'fullscreen; picture-in-picture';
  player.setAttribute('allowfullscreen', '');
  figure.replaceChild(player, link);
  player.focus();
}
