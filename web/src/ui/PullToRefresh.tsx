// Pull down at the top of the page on a touch screen to reload; the toolbar's Refresh button
// does the same for everyone else.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

const THRESHOLD_PX = 70;

export function PullToRefresh({ onRefresh, children }: { onRefresh: () => Promise<unknown>; children: ComponentChildren }) {
  const start = useRef<number | null>(null);
  const [pull, setPull] = useState(0);
  const [refreshing, setRefreshing] = useState(false);

  const onTouchStart = (e: TouchEvent) => {
    start.current = window.scrollY <= 0 ? e.touches[0].clientY : null;
  };
  const onTouchMove = (e: TouchEvent) => {
    if (start.current === null) return;
    setPull(Math.max(0, Math.min(120, e.touches[0].clientY - start.current)));
  };
  const onTouchEnd = async () => {
    const pulled = pull >= THRESHOLD_PX;
    start.current = null;
    setPull(0);
    if (!pulled) return;
    setRefreshing(true);
    try {
      await onRefresh();
    } finally {
      setRefreshing(false);
    }
  };

  return (
    <div onTouchStart={onTouchStart} onTouchMove={onTouchMove} onTouchEnd={onTouchEnd}>
      <div class="pull-indicator" style={{ height: `${refreshing ? 40 : pull / 2}px` }} aria-hidden="true">
        {refreshing ? 'Refreshing…' : pull >= THRESHOLD_PX ? 'Release to refresh' : pull > 0 ? 'Pull to refresh' : ''}
      </div>
      {children}
    </div>
  );
}

export function RefreshButton({ onRefresh, busy }: { onRefresh: () => unknown; busy?: boolean }) {
  return (
    <button type="button" class="button button--secondary" onClick={onRefresh} disabled={busy}>
      {busy ? 'Refreshing…' : 'Refresh'}
    </button>
  );
}
