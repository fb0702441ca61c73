import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat utime and stime (100 on every Linux we run on, but ask). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: split after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15), so index = field - 3.
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * CPU seconds (user + system, every thread) used so far by a process and its live descendants. nginx's
 * work happens in its worker, a child of the master; a Node child is one process with its helper threads.
 */
export function cpuSeconds(pid: number): number {
  const stats = new Map<number, Stat>();
  for (const name of readdirSync('/proc')) {
    const n = Number(name);
    if (!Number.isInteger(n)) continue;
    const s = readStat(n);
    if (s !== null) stats.set(n, s);
  }
  let ticks = 0;
  for (const [candidate, s] of stats) {
    // Walk up from each process: it counts when pid is itself or one of its ancestors.
    let p = candidate;
    for (let depth = 0; depth < 8 && p > 1; depth++) {
      if (p === pid) {
        ticks += s.ticks;
        break;
      }
      p = stats.get(p)?.ppid ?? 0;
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Resident set size and its high-water mark (VmHWM, kept by the kernel) in bytes, or null if gone. */
export function memory(pid: number): { rss: number; peak: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
