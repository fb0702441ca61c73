import type { Redis } from 'ioredis';

/**
 * Writes one mitigation (JSON) into the service's hash and publishes it, atomically.
 * KEYS: hash, generation. ARGV: id, json, is-tombstone ("1"/"0"), channel, message, candidate generation.
 * A lift is terminal: a tombstone (liftedAt set) replaces anything, and nothing replaces a tombstone but
 * another tombstone, so no replay, re-seed or late write can bring a lifted mitigation back.
 * Returns 1 when written, 0 when the hash already held exactly this, -1 when refused over a tombstone.
 */
const PUT = `
redis.call('SET', KEYS[2], ARGV[6], 'NX')
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur == ARGV[2] then return 0 end
if cur and ARGV[3] == '0' then
  local ok, v = pcall(cjson.decode, cur)
  if ok and type(v) == 'table' and type(v.liftedAt) == 'string' then return -1 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * Reads the generation and the whole hash in one step. The generation is a random id created with the
 * hash: when it changes, Redis lost the hash (restart without persistence, flush) and gateways re-seed it.
 * KEYS: hash, generation. ARGV: candidate generation.
 */
const SNAPSHOT = `
redis.call('SET', KEYS[2], ARGV[1], 'NX')
return { redis.call('GET', KEYS[2]), redis.call('HGETALL', KEYS[1]) }
`;

/**
 * GCRA, shared: adds n requests already admitted by one gateway to each key's theoretical arrival time and
 * returns the new times, so the gateway learns what the others consumed (n = 0 only reads). The key expires when its arrival
 * time is past (an expired key and a forgotten one mean the same: idle).
 * KEYS: one per (limit, key). ARGV: now, then interval, n and since (when the first of the n was admitted) per key.
 */
const GCRA_ADD = `
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 3 - 1])
  local n = tonumber(ARGV[i * 3])
  local since = tonumber(ARGV[i * 3 + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]))
  if tat == nil or tat < since then tat = since end
  tat = tat + n * interval
  local s = string.format('%.3f', tat)
  if n > 0 then redis.call('SET', KEYS[i], s, 'PX', math.ceil(tat - now) + 1000) end
  out[i] = s
end
return out
`;

export interface RampartCommands {
  rampartPutMitigation(hash: string, generation: string, id: string, json: string, tombstone: '0' | '1',
    channel: string, message: string, candidate: string): Promise<number>;
  rampartSnapshot(hash: string, generation: string, candidate: string): Promise<[string, string[]]>;
  rampartGcraAdd(...keysThenArgs: (string | number)[]): Promise<string[]>;
}

/** Registers the scripts (sent with EVALSHA, falling back to EVAL once after a Redis restart). */
export function withScripts(redis: Redis): Redis & RampartCommands {
  const r = redis as Redis & Partial<RampartCommands>;
  if (r.rampartPutMitigation === undefined) {
    redis.defineCommand('rampartPutMitigation', { numberOfKeys: 2, lua: PUT });
    redis.defineCommand('rampartSnapshot', { numberOfKeys: 2, lua: SNAPSHOT });
    // numberOfKeys varies per call: the first argument says how many keys follow.
    redis.defineCommand('rampartGcraAdd', { lua: GCRA_ADD });
  }
  return redis as Redis & RampartCommands;
}
