/**
 * A slow-client attack in its own process, so the gateway under test does not share an event loop with 500
 * attacking sockets: `node --import tsx slow-attack-process.ts '{"port":N,...}'` (see AttackPlan). Each slot
 * keeps one slow client open, alternately a slowloris head and a drip upload, opening the next as soon as the
 * gateway refuses one, until `durationMs`; then it prints one JSON line with what happened and exits. It exits
 * after durationMs + 20 s whatever happens.
 */
import { dripUpload, loopback, slowHead, type SlowClient, type SlowOutcome } from './slow-client.js';

export interface AttackPlan {
  port: number;
  slots: number;
  /** Distinct /24s the slots are spread over (127.x.y.0/24). */
  networks: number;
  durationMs: number;
}

export interface AttackReport {
  opened: number;
  refusedByGateway: number;
  /** Status → count, for the clients the gateway closed ("none": closed without an answer). */
  statuses: Record<string, number>;
  /** Clients still open when the attack ended. */
  stillOpen: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as AttackPlan;
setTimeout(() => process.exit(3), plan.durationMs + 20_000).unref();
const until = Date.now() + plan.durationMs;
const open = new Set<SlowClient>();
const report: AttackReport = { opened: 0, refusedByGateway: 0, statuses: {}, stillOpen: 0 };

async function slot(i: number): Promise<void> {
  const localAddress = loopback(1000 + (i % plan.networks), i);
  while (Date.now() < until) {
    const client = i % 2 === 0
      ? slowHead({ port: plan.port, localAddress, everyMs: 1000, maxMs: plan.durationMs })
      : dripUpload({ port: plan.port, localAddress, maxMs: plan.durationMs });
    open.add(client);
    report.opened++;
    const cut = setTimeout(() => client.stop(), Math.max(0, until - Date.now()));
    const outcome: SlowOutcome = await client.done;
    clearTimeout(cut);
    open.delete(client);
    if (!outcome.closedByServer) {
      report.stillOpen++;
      return;
    }
    report.refusedByGateway++;
    const key = outcome.status === null ? 'none' : String(outcome.status);
    report.statuses[key] = (report.statuses[key] ?? 0) + 1;
  }
}

await Promise.all(Array.from({ length: plan.slots }, (_, i) => slot(i)));
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
