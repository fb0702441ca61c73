import type { DrillContext } from '../drill.js';
import { DrillFailure } from '../drill.js';

/** Traffic "from" an address: the drill's own peer is 127.0.0.1, a trusted proxy in both playbooks. */
export const xff = (ip: string): Record<string, string> => ({ 'x-forwarded-for': ip });

/** The first seeded event's join token (the playbook's KNOWN_GOOD_TOKEN). */
export async function knownGoodToken(ctx: DrillContext): Promise<string> {
  const token = (await ctx.standins.guest.state()).events?.[0]?.joinToken;
  if (!token) throw new DrillFailure('the guest stand-in has no events');
  return token;
}

/** The first seeded booking account; the demo password is part of the stand-in's seed. */
export const DEMO_PASSWORD = 'demo-password';
