import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Countdown } from './Countdown.js';

describe('a countdown', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-03-02T09:00:00.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down to its deadline and then says, in red, by how much it was missed', () => {
    render(<Countdown to="2026-03-02T09:02:00.000Z" />);
    expect(screen.getByText('in 2m')).toBeTruthy();
    act(() => {
      vi.advanceTimersByTime(3 * 60_000);
    });
    const missed = screen.getByText('overdue by 1m');
    expect(missed.className).toBe('overdue');
    expect(missed.getAttribute('datetime')).toBe('2026-03-02T09:02:00.000Z');
  });
});
