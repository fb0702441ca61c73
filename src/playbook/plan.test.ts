import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planChecklist } from '../domain/checklist.js';
import { loadPlaybook } from './load.js';
import { checklistPlan, postmortemDueMs, ruleSeverity, severityScale } from './plan.js';
import type { Playbook } from './schema.js';

async function shipped(file: string): Promise<Playbook> {
  const result = await loadPlaybook(resolve(import.meta.dirname, '../../playbooks', file));
  if (!result.ok) throw new Error(`${file} does not load`);
  return result.playbook;
}

describe('what the desk takes from a playbook', () => {
  it('the 6FB scale runs P0..P3 with its 15 and 30 minute phases as consecutive deadlines', async () => {
    const p = await shipped('6fb-booking.yaml');
    expect(severityScale(p)).toEqual([
      { name: 'P0', rank: 0 },
      { name: 'P1', rank: 1 },
      { name: 'P2', rank: 2 },
      { name: 'P3', rank: 3 },
    ]);
    const plan = checklistPlan(p);
    expect(plan.map((phase) => [phase.name, phase.timeBoxMs])).toEqual([
      ['Immediate response', 900_000],
      ['Investigation', 1_800_000],
    ]);
    const items = planChecklist('inc-1', new Date('2024-07-01T10:00:00Z'), plan);
    expect(items.find((i) => i.stepId === 'booking-operational')).toMatchObject({
      automatic: 'availability-check',
      deadline: '2024-07-01T10:15:00.000Z',
    });
    expect(items.find((i) => i.stepId === 'document-timeline')).toMatchObject({
      automatic: null,
      deadline: '2024-07-01T10:45:00.000Z',
    });
    expect(postmortemDueMs(p)).toBe(72 * 3_600_000);
  });

  it("guest-api files its RCA within 48 hours; a rule without severity takes its type's", async () => {
    const p = await shipped('fotospiel-public-api.yaml');
    expect(postmortemDueMs(p)).toBe(48 * 3_600_000);
    expect(ruleSeverity(p, 'token-leak')).toBe('SEV-1');
    const withoutSeverity: Playbook = {
      ...p,
      detection: { ...p.detection, rules: p.detection.rules.map(({ severity: _s, ...r }) => r) },
    };
    expect(ruleSeverity(withoutSeverity, 'token-leak')).toBe('SEV-1');
    expect(ruleSeverity(withoutSeverity, 'error-spike')).toBe('SEV-2');
    expect(ruleSeverity(withoutSeverity, 'no-such-rule')).toBe('SEV-3');
  });
});
