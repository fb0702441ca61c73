import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderAs } from '../../testing/render.js';
import { SeverityCounts } from './SeverityCounts.js';

describe('open incidents by severity', () => {
  it('adds the open statuses per level, most severe first, and says how many wait for an acknowledgement', () => {
    renderAs(
      'viewer',
      <SeverityCounts
        counts={[
          { status: 'triggered', severity: 'SEV-3', severityRank: 3, count: 2 },
          { status: 'acknowledged', severity: 'SEV-1', severityRank: 1, count: 1 },
          { status: 'triggered', severity: 'SEV-1', severityRank: 1, count: 3 },
          { status: 'closed', severity: 'SEV-1', severityRank: 1, count: 9_000 },
        ]}
      />,
    );
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      'SEV-1 4 open · 3 not acknowledged',
      'SEV-3 2 open · 2 not acknowledged',
      '9,000 resolved or closed',
    ]);
  });
});
