export interface RoundRow {
  round: number;
  id: string;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
  /** Proxy CPU (user + system, all threads and workers) per request served; null for "direct". */
  cpuUs: number | null;
  upstreamCpuUs: number;
}

export interface Summary {
  id: string;
  label: string;
  rounds: number;
  rps: number;
  p99Ms: number;
  cpuUs: number | null;
  upstreamCpuUs: number;
  non2xx: number;
  error?: string;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function summarise(id: string, label: string, rows: RoundRow[], error?: string): Summary {
  const mine = rows.filter((r) => r.id === id);
  const cpu = mine.map((r) => r.cpuUs).filter((v): v is number => v !== null);
  return {
    id, label, rounds: mine.length,
    rps: median(mine.map((r) => r.rps)),
    p99Ms: median(mine.map((r) => r.p99Ms)),
    cpuUs: cpu.length === 0 ? null : median(cpu),
    upstreamCpuUs: median(mine.map((r) => r.upstreamCpuUs)),
    non2xx: mine.reduce((n, r) => n + r.non2xx, 0),
    ...(error === undefined ? {} : { error }),
  };
}

const fmt = (v: number | null, digits = 1): string => (v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));

export function table(summaries: Summary[]): string {
  const lines = ['| candidate | req/s | p99 ms | proxy CPU µs/req | upstream CPU µs/req | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const s of summaries) {
    if (s.error !== undefined) lines.push(`| ${s.label} | n/a | n/a | n/a | n/a | n/a (${s.error}) |`);
    else lines.push(`| ${s.label} | ${fmt(s.rps, 0)} | ${fmt(s.p99Ms, 2)} | ${s.cpuUs === null ? '— (no proxy)' : fmt(s.cpuUs)} | ${fmt(s.upstreamCpuUs)} | ${s.non2xx} |`);
  }
  return lines.join('\n');
}

/** Rampart's CPU per request over each other candidate's (lower is better), and throughput ratio. */
export function ratios(rampart: Summary, others: Summary[]): string[] {
  if (rampart.error !== undefined || rampart.cpuUs === null) return [`${rampart.label}: n/a`];
  return others.filter((o) => o.id !== rampart.id && o.error === undefined).map((o) => {
    const cpu = o.cpuUs === null ? 'CPU n/a' : `CPU ×${fmt(rampart.cpuUs! / o.cpuUs, 2)} (${fmt(o.cpuUs / rampart.cpuUs!, 2)}× as efficient as it)`;
    return `${rampart.label} vs ${o.label}: ${cpu}, req/s ×${fmt(rampart.rps / o.rps, 2)}`;
  });
}

export function goals(byId: Map<string, Summary>): string[] {
  const cpu = (id: string): number | null => {
    const s = byId.get(id);
    return s === undefined || s.error !== undefined ? null : s.cpuUs;
  };
  const out: string[] = [];
  const check = (what: string, value: number | null, ok: (v: number) => boolean, shown: (v: number) => string): void => {
    out.push(value === null ? `n/a  ${what}` : `${ok(value) ? 'MET ' : 'MISS'} ${what}: ${shown(value)}`);
  };
  const mem = cpu('rampart');
  const redis = cpu('rampart-redis');
  const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a / b);
  check('Rampart in memory ≤ 70 µs/request', mem, (v) => v <= 70, (v) => `${fmt(v)} µs`);
  check('Rampart on Redis ≤ 85 µs/request', redis, (v) => v <= 85, (v) => `${fmt(v)} µs`);
  check('Rampart (memory) within 10 % of the bare undici proxy', ratio(mem, cpu('undici')), (v) => v <= 1.1, (v) => `×${fmt(v, 2)}`);
  check('Fastify (memory) / Rampart (memory) ≥ 1.7', ratio(cpu('fastify'), mem), (v) => v >= 1.7, (v) => `${fmt(v, 2)}`);
  check('Fastify (Redis) / Rampart (Redis) ≥ 1.7', ratio(cpu('fastify-redis'), redis), (v) => v >= 1.7, (v) => `${fmt(v, 2)}`);
  check('Rampart (memory) ≤ 3× nginx', ratio(mem, cpu('nginx')), (v) => v <= 3, (v) => `×${fmt(v, 2)}`);
  return out;
}
