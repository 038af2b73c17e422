// One announcement for its readers (where its notification and email link to): shown while it
// is live and meant for them, and marked read on opening.
import { useEffect } from 'preact/hooks';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { dismiss, severityLabel } from './live';
import { formatDateTime } from './format';
import './announcements.css';

export default function AnnouncementPage({ id }: { tenantId?: string; id?: string }) {
  const live = useResource(async () => unwrap(await api.GET('/api/v1/announcements/live')).items, []);
  const item = live.data?.find((a) => a.id === id);
  useEffect(() => {
    if (item && !item.read) void dismiss(item.id).catch(() => undefined);
  }, [item?.id]);
  if (live.error) return <ErrorNote error={live.error} />;
  if (!live.data) return <Loading />;
  if (!item) {
    return (
      <Page title="Announcement">
        <p class="panel">This announcement has ended, was removed, or is not for you.</p>
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </Page>
    );
  }
  return (
    <Page title={item.title}>
      <article class={`panel announcement-article announcement-article--${item.severity}`}>
        <p class="muted">
          {severityLabel(item.severity)} · from {formatDateTime(item.starts_at)}
          {item.ends_at ? ` until ${formatDateTime(item.ends_at)}` : ''}
        </p>
        <div class="announcement-article__body" dangerouslySetInnerHTML={{ __html: item.html }} />
      </article>
    </Page>
  );
}
