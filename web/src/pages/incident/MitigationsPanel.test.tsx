import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { entry, incident, iso, mitigation, NOW } from '../../testing/fixtures.js';
import { renderAs } from '../../testing/render.js';
import { MitigationsPanel } from './MitigationsPanel.js';

const block = mitigation();
const revoked = mitigation({
  id: 'mit-2',
  kind: 'revoke-token',
  target: 'k3yedHashOfTheTokenNeverShown000',
  data: { preview: 'evt-…4e' },
});
const lifted = mitigation({
  id: 'mit-3',
  target: '198.51.100.0/24',
  liftedAt: iso(-5),
  liftedBy: 'web:alice',
});
const timeline = [
  entry({
    id: 9,
    kind: 'action',
    summary: 'blast radius',
    data: { mitigation: 'block 203.0.113.0/24 for 60m', requests: 38, tenants: 0, clients: 20 },
  }),
];

describe('the mitigations of an incident', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a revoked token by its preview, never its hash, and the blast radius the detector weighed', () => {
    renderAs(
      'viewer',
      <MitigationsPanel incident={incident()} mitigations={[block, revoked, lifted]} timeline={timeline} />,
    );
    expect(screen.getByText('evt-…4e')).toBeTruthy();
    expect(document.body.textContent).not.toContain('k3yedHash');
    expect(screen.getByText('38 requests, 0 tenants, 20 clients')).toBeTruthy();
    expect(screen.getByText(/lifted .* by web:alice/)).toBeTruthy();
  });

  it('gives a responder lift, extend and keep on what is in force, and a viewer no control at all', () => {
    const { unmount } = renderAs(
      'responder',
      <MitigationsPanel incident={incident()} mitigations={[block, lifted]} timeline={timeline} />,
    );
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual([
      'Lift',
      'Extend',
      'Keep after resolving',
    ]);
    unmount();
    renderAs(
      'viewer',
      <MitigationsPanel incident={incident()} mitigations={[block, lifted]} timeline={timeline} />,
    );
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });
});
