// A search hit as the palette and the results page show it: its title and passage with the
// matched words marked, and what it is (its kind, its label such as the ticket's number, and
// where a ticket stands).
import { statusLabel } from '../tickets/labels';
import type { Hit } from './api';
import { kindOne } from './hits';

export function hitMeta(hit: Hit): string {
  const status = hit.kind === 'ticket' && hit.status ? statusLabel(hit.status) : '';
  return [kindOne(hit.kind), hit.label, status].filter(Boolean).join(' · ');
}

interface Props {
  hit: Hit;
  /** The title links here (the results page, the suggestions); without, it is text (a palette option). */
  href?: string;
  /** The link opens in a new tab (the suggestions, so the ticket being written stays). */
  newTab?: boolean;
  /** What opening the link should also do (record it). */
  onOpen?: () => void;
  /** Leave the kind, label and status out (all the suggestions are articles). */
  bare?: boolean;
}

export function HitText({ hit, href, newTab, onOpen, bare }: Props) {
  // title_html and snippet_html are safe by construction: the server HTML-escapes the text and
  // adds only <mark> around the matched words.
  const title = <span dangerouslySetInnerHTML={{ __html: hit.title_html }} />;
  const tab = newTab ? { target: '_blank', rel: 'noopener' } : {};
  return (
    <>
      {href ? (
        <a class="hit__title" href={href} {...tab} onClick={onOpen} onAuxClick={(e) => e.button === 1 && onOpen?.()}>
          {title}
          {newTab && <span class="visually-hidden"> (opens in a new tab)</span>}
        </a>
      ) : (
        <span class="hit__title">{title}</span>
      )}
      {!bare && <span class="hit__meta">{hitMeta(hit)}</span>}
      {hit.snippet_html && <span class="hit__snippet" dangerouslySetInnerHTML={{ __html: hit.snippet_html }} />}
    </>
  );
}
