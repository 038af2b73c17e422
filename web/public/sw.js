// The portal's service worker: shows browser pushes (Web Push, decrypted by the browser) and
// opens the right page of the portal when one is clicked. Payload: {title, body, url, tag}.
/* eslint-env serviceworker */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'New notification';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || '',
      tag: data.tag || undefined,
      data: { url: data.url || '/notifications' },
    }),
  );
});

// Only pages of this portal are opened: a push never sends anyone elsewhere.
function target(raw) {
  try {
    const url = new URL(raw, self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL('/notifications', self.location.origin).href;
  } catch {
    return new URL('/notifications', self.location.origin).href;
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = target(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (w.url === url && 'focus' in w) return w.focus();
      }
      const open = windows.find((w) => 'navigate' in w);
      if (open) return open.navigate(url).then((w) => (w ? w.focus() : self.clients.openWindow(url)));
      return self.clients.openWindow(url);
    }),
  );
});
