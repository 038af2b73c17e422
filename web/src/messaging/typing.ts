// "… is typing": the others' typing signs on `conversation:<id>`, each shown for five seconds
// after the last one.
import { useEffect, useState } from 'preact/hooks';
import { createElement } from 'preact';
import { user } from '../app/session';
import { live } from '../live/socket';

const SHOWN_MS = 5000;

/** Who else is typing in conversation `id` now. */
export function useTyping(id: string): string[] {
  const [typing, setTyping] = useState<Record<string, number>>({});
  useEffect(() => {
    const off = live().subscribe(`conversation:${id}`, (m) => {
      if (m.type === 'typing' && typeof m.user === 'string' && m.user !== user.value?.id) {
        const who = m.user;
        setTyping((t) => ({ ...t, [who]: Date.now() }));
      } else if (m.type === 'message.posted') {
        setTyping({});
      }
    });
    const timer = window.setInterval(() => {
      setTyping((t) => {
        const now = Date.now();
        const left = Object.fromEntries(Object.entries(t).filter(([, at]) => now - at < SHOWN_MS));
        return Object.keys(left).length === Object.keys(t).length ? t : left;
      });
    }, 1000);
    return () => {
      off();
      window.clearInterval(timer);
    };
  }, [id]);
  return Object.keys(typing);
}

export function typingLine(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

export function Typing({ who }: { who: string[] }) {
  return createElement('p', { class: 'muted chat__typing', 'aria-live': 'polite' }, typingLine(who));
}
