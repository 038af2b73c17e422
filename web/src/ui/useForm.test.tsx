import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import { FormError, TextField } from './Field';
import { useForm } from './useForm';

function SubjectForm({ action }: { action: () => Promise<void> }) {
  const form = useForm({ subject: '' });
  return (
    <form onSubmit={form.submit(action)} ref={form.formRef}>
      <FormError message={form.formError} />
      <TextField
        label="Subject"
        name="subject"
        value={form.values.subject}
        onValue={(v) => form.set('subject', v)}
        error={form.errors.subject}
      />
      <button type="submit">Save</button>
    </form>
  );
}

const invalid = new ApiError(422, {
  type: 'https://kt-portal.dev/problems/invalid',
  title: 'Some fields are not valid',
  status: 422,
  errors: [
    { field: 'subject', message: 'use 1 to 200 characters on one line' },
    { field: 'org_id', message: 'name the organization the ticket is for' },
  ],
});

describe('useForm with TextField', () => {
  it("puts the server's field errors next to the fields and keeps what was typed", async () => {
    render(
      <SubjectForm
        action={async () => {
          throw invalid;
        }}
      />,
    );
    const input = screen.getByLabelText('Subject') as HTMLInputElement;
    fireEvent.input(input, { target: { value: 'x'.repeat(300) } });
    fireEvent.click(screen.getByText('Save'));

    // Worded for people, not as the API wrote it.
    const error = await screen.findByText('Write a subject of at most 200 characters, on one line.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain(error.id);
    expect(input.value).toHaveLength(300);
    // A field the form does not show goes in the summary.
    expect(screen.getByRole('alert').textContent).toBe('Choose the organization this ticket is for.');
    await waitFor(() => expect(document.activeElement).toBe(input));
  });

  it('clears a field error as soon as the field changes', async () => {
    render(
      <SubjectForm
        action={async () => {
          throw invalid;
        }}
      />,
    );
    fireEvent.click(screen.getByText('Save'));
    await screen.findByText('Write a subject of at most 200 characters, on one line.');
    fireEvent.input(screen.getByLabelText('Subject'), { target: { value: 'Better' } });
    expect(screen.queryByText('Write a subject of at most 200 characters, on one line.')).toBeNull();
  });

  it('says when the portal cannot be reached', async () => {
    render(
      <SubjectForm
        action={async () => {
          throw new TypeError('Failed to fetch');
        }}
      />,
    );
    fireEvent.click(screen.getByText('Save'));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('The portal could not be reached. Check your connection and try again.'),
    );
  });
});
