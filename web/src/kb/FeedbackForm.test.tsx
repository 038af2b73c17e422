import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { FeedbackForm } from './FeedbackForm';

const api = vi.hoisted(() => ({ giveFeedback: vi.fn() }));
vi.mock('./api', () => api);

afterEach(() => vi.resetAllMocks());

describe('Was this helpful?', () => {
  it('counts the answer at once, then sends a comment with the same answer', async () => {
    api.giveFeedback.mockResolvedValue({});
    render(<FeedbackForm tenantId="acme" articleId="a1" />);
    fireEvent.click(screen.getByRole('button', { name: 'No' }));
    await screen.findByText('Thank you for your answer.');
    expect(api.giveFeedback).toHaveBeenCalledWith('acme', 'a1', false, '');
    expect(screen.getByRole('button', { name: 'No' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.input(screen.getByLabelText('What was missing? (optional)'), { target: { value: 'A screenshot' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send comment' }));
    await screen.findByText('Thank you: your comment was sent.');
    expect(api.giveFeedback).toHaveBeenLastCalledWith('acme', 'a1', false, 'A screenshot');
  });

  it('shows a refused comment at its field, and keeps it', async () => {
    api.giveFeedback.mockResolvedValueOnce({});
    render(<FeedbackForm tenantId="acme" articleId="a1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Yes' }));
    const comment = (await screen.findByLabelText('What helped? (optional)')) as HTMLTextAreaElement;
    fireEvent.input(comment, { target: { value: 'x'.repeat(10) } });
    api.giveFeedback.mockRejectedValueOnce(
      new ApiError(422, {
        type: 'about:blank',
        title: 'Some fields are not valid',
        status: 422,
        errors: [{ field: 'comment', message: 'use at most 2,000 characters' }],
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Send comment' }));
    await waitFor(() => expect(comment.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('Shorten the comment to at most 2,000 characters.')).toBeTruthy();
    expect(comment.value).toBe('x'.repeat(10));
  });
});
