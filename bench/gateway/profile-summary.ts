/**
 * Top self-time frames of a V8 .cpuprofile (from `node --cpu-prof`, e.g. run.ts --cpu-prof rampart), grouped
 * by function and source location, with each frame's share of the sampled time.
 *
 * With --inclusive, also the total (self + callees) time of the named functions, as a share of the busy
 * (non-idle) time: multiply by the bench's CPU µs/request to get µs per request.
 *
 *   node --import tsx bench/gateway/profile-summary.ts <file.cpuprofile> [--top 30] [--inclusive handle,decide]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top 30]');
const topArg = process.argv.indexOf('--top');
const top = topArg === -1 ? 30 : Number(process.argv[topArg + 1]);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };

// Self time per node from the samples and their time deltas (more exact than hitCount × interval).
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFrame = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  total += us;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/')}:${lineNumber + 1}`;
  const key = `${functionName || '(anonymous)'}${where}`;
  byFrame.set(key, (byFrame.get(key) ?? 0) + us);
}
const idle = [...byFrame].filter(([k]) => k.startsWith('(idle)')).reduce((n, [, us]) => n + us, 0);
const busy = total - idle;
const incArg = process.argv.indexOf('--inclusive');
const wanted = new Set(incArg === -1 ? [] : (process.argv[incArg + 1] ?? '').split(','));
if (wanted.size > 0) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const subtree = (id: number, seen: Set<number>): number => {
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = nodes.get(id);
    return (selfUs.get(id) ?? 0) + (n?.children ?? []).reduce((sum, c) => sum + subtree(c, seen), 0);
  };
  const inclusive = new Map<string, number>();
  // Count each subtree once per name even when the function appears again below itself.
  for (const name of wanted) {
    const seen = new Set<number>();
    let us = 0;
    for (const n of profile.nodes) if (n.callFrame.functionName === name) us += subtree(n.id, seen);
    inclusive.set(name, us);
  }
  process.stdout.write(`inclusive time, share of ${(busy / 1e6).toFixed(1)} s busy:\n`);
  for (const [name, us] of inclusive) process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${name}\n`);
}
const rows = [...byFrame].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
process.stdout.write(`${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy; self time, share of busy:\n`);
for (const [frame, us] of rows) {
  process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${frame}\n`);
}
