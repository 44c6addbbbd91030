/**
 * Lua scripts of the Redis event log. Each runs atomically inside Redis, so concurrent writers
 * (several server instances) cannot interleave between the de-dup check and the append.
 */
import type { Redis } from 'ioredis';

/**
 * De-duplicating append.
 * KEYS[1] = stream, KEYS[2..n+1] = one de-dup key per event; ARGV[1] = de-dup TTL (s),
 * ARGV[2..n+1] = event JSON. Returns one entry per event: its new stream id, or nil for a
 * duplicate (an id seen earlier, or earlier in the same batch).
 * The type check comes first so no error can happen after the first write (Redis has no
 * rollback; a script that is already writing may go past maxmemory rather than stop halfway).
 */
export const APPEND_LUA = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'stream' and t ~= 'none' then
  return redis.error_reply('WRONGTYPE floorboard event log key ' .. KEYS[1] .. ' is a ' .. t)
end
local ttl = ARGV[1]
local out = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ttl) then
    out[i - 1] = redis.call('XADD', KEYS[1], '*', 'event', ARGV[i])
  else
    out[i - 1] = false
  end
end
return out
`;

/**
 * Monotonic checkpoint save: an older checkpoint (smaller position) never replaces a newer one,
 * so a lagging instance cannot move the checkpoint behind entries another instance trimmed.
 * KEYS[1] = checkpoint hash; ARGV[1] = pos ("<ms>-<seq>"), ARGV[2] = checkpoint JSON.
 * Returns 1 when saved, 0 when a newer checkpoint was kept.
 */
export const SAVE_CHECKPOINT_LUA = `
local function cmpnum(a, b)
  if #a ~= #b then return (#a < #b) and -1 or 1 end
  if a == b then return 0 end
  return (a < b) and -1 or 1
end
local function cmppos(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if not am or not bm then return 0 end
  local c = cmpnum(am, bm)
  if c ~= 0 then return c end
  return cmpnum(as, bs)
end
local cur = redis.call('HGET', KEYS[1], 'pos')
if cur and cmppos(ARGV[1], cur) < 0 then return 0 end
redis.call('HSET', KEYS[1], 'pos', ARGV[1], 'json', ARGV[2])
return 1
`;

type AppendReply = (string | null)[];

export interface LogScripts {
  append(streamKey: string, dedupKeys: string[], ttlSec: number, payloads: string[]): Promise<AppendReply>;
  saveCheckpoint(key: string, pos: string, json: string): Promise<number>;
}

interface ScriptCommands {
  floorboardAppend(numKeys: number, keys: string[], args: (string | number)[]): Promise<AppendReply>;
  floorboardSaveCheckpoint(key: string, pos: string, json: string): Promise<number>;
}

/** Registers the scripts on a connection (EVALSHA, falling back to EVAL once per connection). */
export function defineLogScripts(redis: Redis): LogScripts {
  redis.defineCommand('floorboardAppend', { lua: APPEND_LUA });
  redis.defineCommand('floorboardSaveCheckpoint', { lua: SAVE_CHECKPOINT_LUA, numberOfKeys: 1 });
  const cmds = redis as unknown as ScriptCommands;
  return {
    // Arrays are flattened one level by ioredis, so 50,000-event batches never hit the
    // JavaScript argument-count limit of a spread call.
    append: (streamKey, dedupKeys, ttlSec, payloads) =>
      cmds.floorboardAppend(dedupKeys.length + 1, [streamKey, ...dedupKeys], [ttlSec, ...payloads]),
    saveCheckpoint: (key, pos, json) => cmds.floorboardSaveCheckpoint(key, pos, json),
  };
}
