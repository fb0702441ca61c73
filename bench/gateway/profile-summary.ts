/**
 * Top self-time frames of a V8 .cpuprofile (from `node --cpu-prof`, e.g. run.ts --cpu-prof rampart), grouped
 * by function and source location, with each frame's share of the sampled time.
 *
 *   node --import tsx bench/gateway/profile-summary.ts <file.cpuprofile> [--top 30]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
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
const rows = [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top);
process.stdout.write(`${(total / 1e6).toFixed(1)} s sampled\n`);
for (const [frame, us] of rows) {
  process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${frame}\n`);
}
