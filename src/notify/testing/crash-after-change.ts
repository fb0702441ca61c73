/**
 * A desk process that dies right after an incident change commits, before anything else can run: the crash
 * between "the incident is open" and "its page is in the outbox" that must not lose the page.
 * Usage: node --import tsx crash-after-change.ts <database url>. Prints the incident id, then exits at once.
 */
import { openIncident } from '../../desk/index.js';
import { systemClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { openStore } from '../../store/index.js';
import { deskWithNotifier, fotospielPlaybook } from './harness.js';

const [url] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: crash-after-change <database url>');

const store = await openStore(url, { cwd: process.cwd() });
const { ctx } = deskWithNotifier({
  store,
  clock: systemClock,
  playbook: await fotospielPlaybook(),
  env: {},
  logger: createLogger({ level: 'silent' }),
});
const incident = await openIncident({
  ctx: ctx('cli:crash'),
  input: { service: 'guest-api', title: 'Opened just before the crash', severity: 'SEV-2' },
});
process.stdout.write(`${incident.id}\n`);
// The crash: no clean shutdown, no waiting for work still in flight.
process.exit(0);
