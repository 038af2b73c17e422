// Announcements in the shell: unread banners as a strip above the page (newest first, one at a
// time with "1 of 3"), and an unread modal announcement as a dialog once. Dismissing either
// marks it read, counted for its author.
import { useEffect, useRef, useState } from 'preact/hooks';
import { dismiss, followAnnouncements, liveAnnouncements, severityLabel, showsAs, type Announcement } from './live';
import './announcements.css';

export function Announcements() {
  useEffect(() => followAnnouncements(), []);
  const unread = liveAnnouncements.value.filter((a) => !a.read);
  const banners = unread.filter((a) => showsAs(a, 'banner'));
  const modal = unread.find((a) => showsAs(a, 'modal'));
  return (
    <>
      {banners.length > 0 && <Banner items={banners} />}
      {modal && <Modal key={modal.id} item={modal} />}
    </>
  );
}

function Banner({ items }: { items: Announcement[] }) {
  const [at, setAt] = useState(0);
  const i = Math.min(at, items.length - 1);
  const a = items[i];
  const [error, setError] = useState<string | null>(null);
  const close = async () => {
    try {
      setError(null);
      await dismiss(a.id);
    } catch {
      setError('Could not dismiss it; try again.');
    }
  };
  return (
    <section class={`announcement-banner announcement-banner--${a.severity}`} aria-label="Announcement">
      <p class="announcement-banner__text">
        <strong>{severityLabel(a.severity)}:</strong> <a href={`/announcements/${a.tenant_id}/${a.id}`}>{a.title}</a>
      </p>
      <div class="announcement-banner__actions">
        {items.length > 1 && (
          <span class="announcement-banner__pager">
            <button
              type="button"
              class="button button--small"
              aria-label="Previous announcement"
              disabled={i === 0}
              onClick={() => setAt(i - 1)}
            >
              ‹
            </button>
            <span aria-live="polite">
              {i + 1} of {items.length}
            </span>
            <button
              type="button"
              class="button button--small"
              aria-label="Next announcement"
              disabled={i === items.length - 1}
              onClick={() => setAt(i + 1)}
            >
              ›
            </button>
          </span>
        )}
        <button type="button" class="button button--small" onClick={close}>
          Dismiss<span class="visually-hidden"> “{a.title}”</span>
        </button>
      </div>
      {error && (
        <p class="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Modal({ item }: { item: Announcement }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
  }, []);
  const close = () => {
    dialog.current?.close?.();
    void dismiss(item.id).catch(() => undefined);
  };
  return (
    <dialog
      ref={dialog}
      class={`announcement-modal announcement-modal--${item.severity}`}
      aria-labelledby={`announcement-${item.id}`}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <p class="announcement-modal__kind">{severityLabel(item.severity)}</p>
      <h2 id={`announcement-${item.id}`}>{item.title}</h2>
      <div class="announcement-modal__body" dangerouslySetInnerHTML={{ __html: item.html }} />
      <div class="announcement-modal__actions">
        <button type="button" class="button button--primary" autofocus onClick={close}>
          Got it
        </button>
      </div>
    </dialog>
  );
}
