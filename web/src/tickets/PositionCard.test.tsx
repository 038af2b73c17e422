import { render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { PositionCard } from './PositionCard';

describe('PositionCard', () => {
  it('shows the place in the queue and the estimate in a live region', () => {
    render(
      <PositionCard
        standing={{
          status: 'new',
          priority: 'high',
          queue: {
            priority: 'high',
            position: 3,
            length: 12,
            label: '#3 of 12 in the High queue',
            estimate: { low_secs: 1800, high_secs: 7200, basis: 'history' },
          },
        }}
      />,
    );
    const label = screen.getByText('#3 of 12 in the High queue');
    expect(label.closest('[aria-live="polite"]')).not.toBeNull();
    screen.getByText('Estimated first response: 30 minutes to 2 hours');
  });

  it('says what happens when the ticket is out of the queue', () => {
    render(<PositionCard standing={{ status: 'pending_client', priority: 'high', queue: null }} />);
    screen.getByText('Pending client');
    expect(screen.getByText('We are waiting for your reply.')).toBeTruthy();
  });
});
