import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { incident, iso, NOW, step } from '../../testing/fixtures.js';
import { renderAs } from '../../testing/render.js';
import { ChecklistPanel } from './ChecklistPanel.js';

describe('the checklist', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const steps = [
    step({
      stepId: 'snapshot',
      title: 'Snapshot logs',
      status: 'done',
      completedBy: 'detector',
      completedAt: iso(-19),
      note: '20 events frozen',
    }),
    step({ stepId: 'late', title: 'Block the range', deadline: iso(-3) }),
    step({ stepId: 'soon', title: 'Tell the venue', deadline: iso(4), phase: 'Next 30 minutes' }),
  ];

  it('counts down the pending steps, flags the missed one in red and says who ticked the done one', () => {
    renderAs('responder', <ChecklistPanel incident={incident()} checklist={steps} />);
    const late = screen.getByText('Block the range').closest('li');
    expect(late?.textContent).toContain('overdue by 3m');
    expect(late?.querySelector('.overdue')).not.toBeNull();
    expect(screen.getByText('Tell the venue').closest('li')?.textContent).toContain('in 4m');
    expect(screen.getByText('Snapshot logs').closest('li')?.textContent).toContain('done by detector');
    expect(screen.getByRole('heading', { name: 'Next 30 minutes' })).toBeTruthy();
  });

  it('offers a responder Done and Skip on pending steps only, and a viewer nothing', () => {
    const { unmount } = renderAs('responder', <ChecklistPanel incident={incident()} checklist={steps} />);
    expect(screen.getAllByRole('button', { name: /^Done/ })).toHaveLength(2);
    expect(screen.getByRole('button', { name: /^Skip.*Block the range/ })).toBeTruthy();
    unmount();
    renderAs('viewer', <ChecklistPanel incident={incident()} checklist={steps} />);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });
});
