import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PushOptIn } from './PushOptIn';
import { deviceIdFor, type PushDevice } from './push';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api }));

const browser = vi.hoisted(() => ({
  supported: vi.fn(),
  permission: vi.fn(),
  requestPermission: vi.fn(),
  current: vi.fn(),
  subscribe: vi.fn(),
}));
vi.mock('./push', async (original) => ({ ...(await original<typeof import('./push')>()), browserPush: browser }));

const answer = (status: number, body?: unknown) =>
  status < 400 ? { data: body, response: new Response(null, { status }) } : { error: body, response: new Response(null, { status }) };

const KEY = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';
const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/this-browser';

const phone: PushDevice = {
  id: 'f'.repeat(32),
  label: 'Chrome on Android',
  service: 'fcm.googleapis.com',
  created_at: '2026-03-01T10:00:00Z',
};

function subscription(endpoint = ENDPOINT) {
  return {
    endpoint,
    unsubscribe: vi.fn().mockResolvedValue(true),
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: KEY, auth: 'BTBZMqHH6r4Tts7J_aSIgg' } }),
  };
}

beforeEach(() => {
  browser.supported.mockReturnValue(true);
  browser.permission.mockReturnValue('default');
  browser.current.mockResolvedValue(null);
});
afterEach(() => vi.resetAllMocks());

describe('PushOptIn', () => {
  it('says plainly when this browser cannot receive pushes, and still lists the others', async () => {
    browser.supported.mockReturnValue(false);
    api.GET.mockResolvedValue(answer(200, { public_key: KEY, devices: [phone] }));
    render(<PushOptIn />);
    await screen.findByText(/This browser cannot receive push notifications/);
    screen.getByRole('heading', { level: 3, name: 'Browser push' });
    within(screen.getByRole('list', { name: 'Browsers that receive your pushes' })).getByText('Chrome on Android', { selector: 'strong' });
    expect(screen.queryByRole('button', { name: 'Turn on push in this browser' })).toBeNull();
    expect(browser.current).not.toHaveBeenCalled();
  });

  it('says when push is not set up on the portal', async () => {
    api.GET.mockResolvedValue(answer(200, { public_key: '', devices: [] }));
    render(<PushOptIn level={2} />);
    await screen.findByText('Browser push is not set up on this portal.');
    screen.getByRole('heading', { level: 2, name: 'Browser push' });
    screen.getByText('No browser receives your pushes yet.');
    expect(screen.queryByRole('button', { name: 'Send a test push' })).toBeNull();
  });

  it('turns push on: permission, subscription, then the portal hears of it with the label', async () => {
    const sub = subscription();
    const id = await deviceIdFor(ENDPOINT);
    const mine: PushDevice = { id, label: 'Work laptop', service: 'fcm.googleapis.com', created_at: '2026-03-02T10:00:00Z' };
    api.GET.mockResolvedValueOnce(answer(200, { public_key: KEY, devices: [] })).mockResolvedValue(
      answer(200, { public_key: KEY, devices: [mine] }),
    );
    api.POST.mockResolvedValue(answer(201, mine));
    browser.requestPermission.mockResolvedValue('granted');
    browser.subscribe.mockResolvedValue(sub);
    render(<PushOptIn />);
    await screen.findByText('Push is off in this browser.');
    const label = screen.getByLabelText('Name for this browser') as HTMLInputElement;
    expect(label.value).not.toBe('');
    fireEvent.input(label, { target: { value: 'Work laptop' } });
    browser.current.mockResolvedValue(sub);
    fireEvent.click(screen.getByRole('button', { name: 'Turn on push in this browser' }));

    await screen.findByText('Push is on in this browser.');
    expect(browser.subscribe).toHaveBeenCalledWith(KEY);
    expect(api.POST).toHaveBeenCalledWith('/api/v1/notifications/push/devices', {
      body: { endpoint: ENDPOINT, expirationTime: null, keys: { p256dh: KEY, auth: 'BTBZMqHH6r4Tts7J_aSIgg' }, label: 'Work laptop' },
    });
    await screen.findByText('Push is on in this browser', { selector: 'strong' });
    within(screen.getByRole('listitem')).getByText('This browser');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Browser push' })));
    screen.getByRole('button', { name: 'Turn off in this browser' });
  });

  it('explains how to allow notifications again when the browser blocks them', async () => {
    api.GET.mockResolvedValue(answer(200, { public_key: KEY, devices: [] }));
    browser.requestPermission.mockResolvedValue('denied');
    render(<PushOptIn />);
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on push in this browser' }));
    const alert = await screen.findByText(/Notifications are blocked for this portal/);
    expect(alert.closest('[role="alert"]')).not.toBeNull();
    expect(browser.subscribe).not.toHaveBeenCalled();
    expect(api.POST).not.toHaveBeenCalled();
  });

  it('shows the push service’s failure instead of crashing', async () => {
    api.GET.mockResolvedValue(answer(200, { public_key: KEY, devices: [] }));
    browser.requestPermission.mockResolvedValue('granted');
    browser.subscribe.mockRejectedValue(new DOMException('Registration failed - push service error', 'AbortError'));
    render(<PushOptIn />);
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on push in this browser' }));
    await screen.findByText(/could not reach its push service/);
    expect(api.POST).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Turn on push in this browser' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('lets the subscription go when the portal refuses it', async () => {
    const sub = subscription();
    api.GET.mockResolvedValue(answer(200, { public_key: KEY, devices: [] }));
    api.POST.mockResolvedValue(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [{ field: 'endpoint', message: 'is not the address of a browser push service' }],
      }),
    );
    browser.requestPermission.mockResolvedValue('granted');
    browser.subscribe.mockResolvedValue(sub);
    render(<PushOptIn />);
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on push in this browser' }));
    await screen.findByText(/not one the portal sends to/);
    expect(sub.unsubscribe).toHaveBeenCalled();
  });

  it('turns push off in this browser: unsubscribes and forgets it on the portal', async () => {
    const sub = subscription();
    const mine: PushDevice = { ...phone, id: await deviceIdFor(ENDPOINT), label: 'Chrome on Linux' };
    api.GET.mockResolvedValueOnce(answer(200, { public_key: KEY, devices: [mine, phone] })).mockResolvedValue(
      answer(200, { public_key: KEY, devices: [phone] }),
    );
    api.DELETE.mockResolvedValue(answer(204));
    browser.current.mockResolvedValueOnce(sub).mockResolvedValue(null);
    render(<PushOptIn />);
    fireEvent.click(await screen.findByRole('button', { name: 'Turn off in this browser' }));
    await screen.findByText('Push is off in this browser.', { selector: '[role="status"]' });
    expect(sub.unsubscribe).toHaveBeenCalled();
    expect(api.DELETE).toHaveBeenCalledWith('/api/v1/notifications/push/devices/{device_id}', { params: { path: { device_id: mine.id } } });
    await screen.findByRole('button', { name: 'Turn on push in this browser' });
  });

  it('removes another browser and sends a test push', async () => {
    api.GET.mockResolvedValueOnce(answer(200, { public_key: KEY, devices: [phone] })).mockResolvedValue(
      answer(200, { public_key: KEY, devices: [] }),
    );
    api.POST.mockResolvedValue(answer(200, { sent: 1 }));
    api.DELETE.mockResolvedValue(answer(204));
    render(<PushOptIn />);
    fireEvent.click(await screen.findByRole('button', { name: 'Send a test push' }));
    await screen.findByText('Sent to 1 browser.');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/notifications/push/test');

    fireEvent.click(screen.getByRole('button', { name: 'Remove Chrome on Android' }));
    await screen.findByText('Chrome on Android no longer receives pushes.');
    await screen.findByText('No browser receives your pushes yet.');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Your browsers' })));
  });
});
