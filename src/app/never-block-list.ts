import type { NeverBlockList, Protected } from '../domain/never-block.js';
import type { Playbook } from '../playbook/index.js';
import { canonicalAddress } from '../shared/net/index.js';
import { hashToken } from '../shared/secrets.js';

const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)\}/g;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Compiles a playbook's `never_block` once, at start-up: tokens are read from their environment variables and
 * kept only as keyed hashes (the same hash the gateway gives them). `warnings` names what could not be read.
 */
export function compileNeverBlock(
  playbook: Playbook,
  env: NodeJS.ProcessEnv,
  tokenKey: string,
): { list: NeverBlockList; warnings: string[] } {
  const spec = playbook.never_block;
  const list: NeverBlockList = { addresses: [], tokenHashes: [], subjects: [] };
  const warnings: string[] = [];
  if (!spec) return { list, warnings };
  const service = playbook.service.name;
  const token = (name: string, why: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      warnings.push(`${service}: never_block names ${name}, which is not set; that token is not protected`);
      return;
    }
    const hash = hashToken(value, tokenKey);
    if (!list.tokenHashes.some((p) => p.value === hash)) list.tokenHashes.push({ value: hash, why });
  };
  for (const address of spec.addresses) {
    // Canonical, as the gateway folds addresses (an IPv4-mapped IPv6 range is the IPv4 range it covers).
    list.addresses.push({ value: canonicalAddress(address), why: 'never_block.addresses' });
  }
  for (const name of spec.tokens_env) token(name, `never_block.tokens_env ${name}`);
  for (const subject of spec.subjects) list.subjects.push({ value: subject, why: 'never_block.subjects' });
  if (spec.monitors) {
    const loopback: Protected[] = [];
    for (const monitor of playbook.monitors) {
      const texts = [monitor.request.url, ...Object.values(monitor.request.headers)];
      // Every value a monitor's request carries from the environment (a monitor's URL starts with its literal
      // origin, so these are path, query and header values: its tokens).
      for (const text of texts) for (const match of text.matchAll(PLACEHOLDER)) token(match[1] as string, `monitor ${monitor.name}`);
      if (loopback.length === 0 && LOOPBACK_HOSTS.has(hostOf(monitor.request.url, env))) {
        loopback.push({ value: '127.0.0.1', why: `monitor ${monitor.name} calls a local gateway` });
        loopback.push({ value: '::1', why: `monitor ${monitor.name} calls a local gateway` });
      }
    }
    list.addresses.push(...loopback);
  }
  return { list, warnings: [...new Set(warnings)] };
}

function hostOf(url: string, env: NodeJS.ProcessEnv): string {
  try {
    return new URL(url.replace(PLACEHOLDER, (_m, name: string) => env[name] ?? 'x')).hostname;
  } catch {
    return '';
  }
}
