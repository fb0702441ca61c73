import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { entry, incident } from '../../testing/fixtures.js';
import { renderAs } from '../../testing/render.js';
import { TimelinePanel } from './TimelinePanel.js';

const timeline = [
  entry({ id: 1, actor: 'detector', kind: 'signal', summary: 'signal token-enumeration' }),
  entry({ id: 2, actor: 'web:alice', kind: 'note', summary: 'looking at the venue NAT' }),
  entry({ id: 3, actor: 'notifier', kind: 'notification', summary: 'Slack delivered' }),
];

describe('the timeline', () => {
  it('filters people from Rampart by keyboard', async () => {
    const user = userEvent.setup();
    renderAs('viewer', <TimelinePanel incident={incident()} timeline={timeline} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    await user.click(screen.getByRole('radio', { name: 'people' }));
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('looking at the venue NAT') as unknown,
    ]);
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('radio', { name: 'Rampart' })).toHaveProperty('checked', true);
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });

  it('has a note box for a responder and none for a viewer', () => {
    const { unmount } = renderAs('responder', <TimelinePanel incident={incident()} timeline={timeline} />);
    expect(screen.getByLabelText('Add a note to the timeline')).toBeTruthy();
    unmount();
    renderAs('viewer', <TimelinePanel incident={incident()} timeline={timeline} />);
    expect(screen.queryByLabelText('Add a note to the timeline')).toBeNull();
  });
});
