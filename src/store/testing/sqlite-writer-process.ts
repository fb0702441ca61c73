/**
 * A separate process writing to a shared SQLite file, the way `rampart` CLI commands do next to `rampart up`.
 * Usage: node --import tsx sqlite-writer-process.ts <file> <entries>. Prints the incident id it wrote to.
 */
import { emptyScope } from '../../domain/scope.js';
import { openStore } from '../open-store.js';

const [file, entries] = process.argv.slice(2);
if (file === undefined || entries === undefined)
  throw new Error('usage: sqlite-writer-process <file> <entries>');

const store = await openStore(`sqlite:${file}`, { cwd: process.cwd() });
try {
  const incident = await store.incidents.create({
    title: `writer ${process.pid}`,
    service: 'shared',
    severity: 'SEV-3',
    severityRank: 3,
    status: 'triggered',
    fingerprint: null,
    type: null,
    commander: null,
    scope: emptyScope(),
    createdAt: new Date().toISOString(),
  });
  for (let i = 0; i < Number(entries); i++) {
    await store.transaction(async (tx) => {
      const at = new Date().toISOString();
      await tx.timeline.append({
        incidentId: incident.id,
        at,
        actor: 'cli',
        kind: 'note',
        summary: `n${i}`,
        data: {},
      });
      await tx.incidents.update(incident.id, { updatedAt: at });
    });
  }
  process.stdout.write(`${incident.id}\n`);
} finally {
  await store.close();
}
