import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';
import type { FormDocument } from './types';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PUT: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import FillPage from './FillPage';
import FormBuilder from './FormBuilder';

const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
  status < 400
    ? { data: body, response: new Response(null, { status, headers }) }
    : { error: body, response: new Response(null, { status, headers }) };

const doc: FormDocument = {
  pages: [
    {
      key: 'about',
      title: 'About you',
      fields: [
        { key: 'name', type: 'text', label: 'Your name', required: true },
        { key: 'rush', type: 'toggle', label: 'Rush job' },
        { key: 'deadline', type: 'date', label: 'Deadline', required: true },
      ],
    },
    {
      key: 'budget',
      title: 'Budget',
      fields: [
        { key: 'hours', type: 'number', label: 'Hours' },
        { key: 'estimate', type: 'calculated', label: 'Estimate', formula: 'hours * 85', decimals: 2 },
      ],
    },
  ],
  rules: [{ when: { test: { field: 'rush', op: 'equals', value: true } }, then: [{ do: 'show', field: 'deadline' }] }],
};

const form = (change: Record<string, unknown> = {}) => ({
  id: 'f1',
  name: 'Project brief',
  description: 'Tell us about it.',
  template: false,
  settings: {},
  archived: false,
  availability: 'open',
  published_version: 1,
  created_by: 'u1',
  created_at: '2026-12-05T09:00:00Z',
  ...change,
});

const signIn = (role: string) => {
  me.value = { user: { id: 'u1', tenant: 't1', role, name: 'Pat', email: 'pat@example.com' } } as unknown as Me;
};

afterEach(() => {
  vi.resetAllMocks();
  me.value = null;
});

describe('filling a form', () => {
  it('goes page by page with the rules live, refuses a missing answer, and submits once', async () => {
    signIn('client');
    api.GET.mockImplementation(async (path: string) =>
      path.endsWith('/fill') ? answer(200, { form: form(), version: 1, document: doc, draft: null }) : answer(404),
    );
    api.POST.mockImplementation(async (path: string) =>
      path.endsWith('/views')
        ? answer(204)
        : answer(201, {
            id: 's1',
            form_id: 'f1',
            version: 1,
            tenant_id: 't1',
            submitted_by: 'u1',
            values: {},
            path: [],
            submitted_at: '2026-12-05T10:00:00Z',
          }),
    );
    api.PUT.mockResolvedValue(answer(200, { version: 1, page: 'about', answers: {}, updated_at: '' }, { ETag: '"1"' }));
    render(
      <LocationProvider>
        <FillPage formId="f1" />
      </LocationProvider>,
    );
    await screen.findByText('Page 1 of 2: About you');
    await waitFor(() => expect(api.POST).toHaveBeenCalledWith('/api/v1/forms/{form_id}/views', { params: { path: { form_id: 'f1' } } }));
    expect(screen.queryByLabelText(/Deadline/)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Your name is required.');
    fireEvent.input(screen.getByLabelText(/Your name/), { target: { value: 'Dana' } });
    fireEvent.click(screen.getByLabelText(/Rush job/));
    const deadline = await screen.findByLabelText(/Deadline/);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Deadline is required.');
    fireEvent.input(deadline, { target: { value: '2027-01-15' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));

    await screen.findByText('Page 2 of 2: Budget');
    fireEvent.input(screen.getByLabelText('Hours'), { target: { value: '10' } });
    await screen.findByText('850.00');
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByText('Thank you');
    const submit = api.POST.mock.calls.find(([p]) => p === '/api/v1/forms/{form_id}/submissions');
    expect(submit?.[1].body).toEqual({ answers: { name: 'Dana', rush: true, deadline: '2027-01-15', hours: '10' } });
    expect(submit?.[1].params.header['Idempotency-Key']).toBeTruthy();
    // Moving between pages saved the draft on the page reached.
    expect(api.PUT).toHaveBeenCalledWith(
      '/api/v1/forms/{form_id}/draft',
      expect.objectContaining({ body: expect.objectContaining({ page: 'budget' }) }),
    );
  });

  it('resumes a draft on its page and shows the server’s error where the field is', async () => {
    signIn('client');
    api.GET.mockImplementation(async (path: string) =>
      path.endsWith('/fill')
        ? answer(200, {
            form: form(),
            version: 1,
            document: doc,
            draft: { version: 1, page: 'budget', answers: { name: 'Dana', hours: '3' }, updated_at: '' },
          })
        : answer(200, { version: 1, page: 'budget', answers: {}, updated_at: '' }, { ETag: '"4"' }),
    );
    api.POST.mockImplementation(async (path: string) =>
      path.endsWith('/views')
        ? answer(204)
        : answer(422, {
            type: 'about:blank',
            title: 'Invalid',
            status: 422,
            errors: [{ field: 'answers.name', message: 'write at least 5 characters' }],
          }),
    );
    render(
      <LocationProvider>
        <FillPage formId="f1" />
      </LocationProvider>,
    );
    await screen.findByText('Page 2 of 2: Budget');
    expect((screen.getByLabelText('Hours') as HTMLInputElement).value).toBe('3');
    screen.getByText(/Your answers are saved/);
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByText('Your name write at least 5 characters.');
    screen.getByText('Page 1 of 2: About you');
  });

  it('says why a closed form takes no answers', async () => {
    signIn('client');
    api.GET.mockResolvedValue(answer(200, { form: form({ availability: 'closed' }), version: 1, document: doc, draft: null }));
    render(
      <LocationProvider>
        <FillPage formId="f1" />
      </LocationProvider>,
    );
    await screen.findByText('This form is closed.');
    expect(api.POST).not.toHaveBeenCalled();
  });
});

describe('the form builder', () => {
  it('adds fields, moves one from the keyboard, previews the rule live, and saves a new form', async () => {
    signIn('staff');
    api.POST.mockResolvedValue(answer(201, form({ published_version: null, availability: 'unpublished', document: doc })));
    api.GET.mockResolvedValue(answer(200, form({ published_version: null, availability: 'unpublished', document: doc }), { ETag: '"1"' }));
    render(
      <LocationProvider>
        <FormBuilder />
      </LocationProvider>,
    );
    fireEvent.input(await screen.findByLabelText('Name'), { target: { value: 'Brief' } });
    const page = screen.getByRole('region', { name: 'Page 1' });
    const type = within(page).getByLabelText('Type of field to add to page 1');
    fireEvent.change(type, { target: { value: 'email' } });
    fireEvent.click(within(page).getByRole('button', { name: 'Add to page 1' }));
    fireEvent.change(type, { target: { value: 'toggle' } });
    fireEvent.click(within(page).getByRole('button', { name: 'Add to page 1' }));

    // The new field is selected: configure it.
    const editor = screen.getByRole('region', { name: /Toggle: Toggle/ });
    fireEvent.input(within(editor).getByLabelText('Label'), { target: { value: 'Rush job' } });
    within(page).getByRole('button', { name: 'Move Rush job' });

    // Keyboard reorder: the toggle goes above the email field.
    fireEvent.keyDown(within(page).getByRole('button', { name: 'Move Rush job' }), { key: 'ArrowUp' });
    await screen.findByText('Rush job moved to position 1 of 2 on page 1.');
    const order = within(page)
      .getAllByRole('button', { name: /^Move (?!page)/ })
      .map((b) => b.getAttribute('aria-label'));
    expect(order).toEqual(['Move Rush job', 'Move Email']);

    // A rule: when Rush job is answered, show Email; the preview follows it.
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const preview = screen.getByRole('region', { name: 'Preview' });
    expect(within(preview).queryByLabelText('Email')).toBeNull();
    fireEvent.click(within(preview).getByLabelText('Rush job'));
    await within(preview).findByLabelText('Email');
    fireEvent.click(within(preview).getByRole('button', { name: 'Desktop' }));
    expect(preview.querySelector('[data-width="desktop"]')).not.toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(api.POST).toHaveBeenCalled());
    const [path, req] = api.POST.mock.calls[0];
    expect(path).toBe('/api/v1/forms');
    expect(req.body.name).toBe('Brief');
    expect(req.body.document.pages[0].fields.map((f: { key: string }) => f.key)).toEqual(['toggle', 'email']);
    expect(req.body.document.rules).toEqual([
      { when: { test: { field: 'toggle', op: 'is_not_empty' } }, then: [{ do: 'show', field: 'email' }] },
    ]);
  });

  it('shows the server’s error on the field it names', async () => {
    signIn('staff');
    const bad: FormDocument = { pages: [{ key: 'p', fields: [{ key: 'pick', type: 'radio', label: 'Pick', options: [] }] }] };
    api.GET.mockResolvedValue(answer(200, form({ document: bad }), { ETag: '"2"' }));
    api.PUT.mockResolvedValue(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [{ field: 'document.pages[0].fields[0].options', message: 'offer 1 to 200 choices' }],
      }),
    );
    render(
      <LocationProvider>
        <FormBuilder formId="f1" />
      </LocationProvider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: /^Pick/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(api.PUT).toHaveBeenCalled());
    expect(api.PUT.mock.calls[0][1].params.header['If-Match']).toBe('"2"');
    await screen.findByRole('alert');
    within(screen.getByRole('region', { name: /Radio buttons: Pick/ })).getByText(/offer 1 to 200 choices/);
  });

  it('tells others that forms are written by staff', async () => {
    signIn('client');
    render(
      <LocationProvider>
        <FormBuilder />
      </LocationProvider>,
    );
    await screen.findByText('Forms are written by the portal’s staff.');
  });
});
