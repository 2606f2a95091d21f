/**
 * The store's atomic operations, as Lua scripts Redis runs one at a time: wherever two processes
 * could race (a pacing slot, a breaker transition, a budget, a newer-wins history field, a lock
 * held by its token), the read and the write are one script, never a read-modify-write across
 * round trips. Times are epoch ms passed in by the caller (the fleet clock), so every script is
 * deterministic. Fractional numbers go back as strings: Redis truncates Lua numbers to integers.
 */
import { luaScript } from './redis-connection.js';

/**
 * A host's next start slot, GCRA-style: the slot is the latest of now, the schedule's next slot
 * (`tat`) and the host's block; the schedule then moves one delay past it. The delay is the
 * host's learned one (or the caller's default for a new host), held to the caller's bounds. A
 * slot further off than `maxWait` is refused, not reserved: the caller fails instead of sleeping.
 * KEYS: pace hash. ARGV: now, defaultDelay, minDelay, maxDelay, maxWait, maxBlock, ttl.
 * Returns: status ('ok' | 'refused', with '!' after it when a damaged field was dropped), wait,
 * blocked, then the learned pace (see `PACE_FIELDS`).
 */
export const RESERVE_SLOT = luaScript(`
local now = tonumber(ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'tat', 'blocked', 'delay', 'successes', 'floorMs', 'floorUntil', 'slowedAt', 'version')
local damaged = ''
-- A value no process could have written (not a number, NaN, infinite, or absurdly far ahead) is
-- damaged: it is dropped and the field starts afresh, never obeyed.
local function sane(raw, limit)
  if not raw then return nil end
  local value = tonumber(raw)
  if value == nil or value ~= value or value > limit or value < 0 then
    damaged = '!'
    return nil
  end
  return value
end
local delay = sane(f[3], tonumber(ARGV[4]))
if f[3] and not delay then redis.call('HSET', KEYS[1], 'delay', ARGV[2]) end
delay = math.min(tonumber(ARGV[4]), math.max(tonumber(ARGV[3]), delay or tonumber(ARGV[2])))
local blocked = sane(f[2], now + tonumber(ARGV[6]))
if f[2] and not blocked then redis.call('HDEL', KEYS[1], 'blocked') end
blocked = blocked or 0
local tat = sane(f[1], now + tonumber(ARGV[5]) + tonumber(ARGV[4]))
local start = math.max(now, tat or 0, blocked)
local pace = {tostring(delay), f[4] or '0', f[5] or '', f[6] or '', f[7] or '', f[8] or '0'}
if start - now > tonumber(ARGV[5]) then
  if f[1] and not tat then redis.call('HDEL', KEYS[1], 'tat') end
  return {'refused' .. damaged, tostring(start - now), tostring(blocked), unpack(pace)}
end
redis.call('HSET', KEYS[1], 'tat', tostring(start + delay))
if not f[3] then redis.call('HSET', KEYS[1], 'delay', tostring(delay), 'version', '0') end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {'ok' .. damaged, tostring(start - now), tostring(blocked), unpack(pace)}
`);

/**
 * Replaces a host's learned pace if nobody changed it since the caller read `version` (compare
 * and set: the learning rules stay in TypeScript, in one place, and a lost race re-reads).
 * KEYS: pace hash. ARGV: version, delay, successes, floorMs ('' = none), floorUntil, slowedAt, ttl.
 * Returns: 1 or 0 (applied or not), then the learned pace as it now stands.
 */
export const UPDATE_PACE = luaScript(`
local f = redis.call('HMGET', KEYS[1], 'delay', 'successes', 'floorMs', 'floorUntil', 'slowedAt', 'version')
local version = tonumber(f[6]) or 0
if version ~= tonumber(ARGV[1]) or not f[1] then
  return {0, f[1] or '', f[2] or '0', f[3] or '', f[4] or '', f[5] or '', tostring(version)}
end
version = version + 1
redis.call('HSET', KEYS[1], 'delay', ARGV[2], 'successes', ARGV[3], 'slowedAt', ARGV[6], 'version', tostring(version))
if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'floorMs', 'floorUntil')
else redis.call('HSET', KEYS[1], 'floorMs', ARGV[4], 'floorUntil', ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {1, ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tostring(version)}
`);

/**
 * No slot before `until` for any process (a later block wins; an earlier one changes nothing).
 * KEYS: pace hash. ARGV: until, ttl. Returns the block now in force.
 */
export const BLOCK_HOST = luaScript(`
local current = tonumber(redis.call('HGET', KEYS[1], 'blocked')) or 0
local wanted = tonumber(ARGV[1])
if wanted > current then
  redis.call('HSET', KEYS[1], 'blocked', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return ARGV[1]
end
return tostring(current)
`);

/**
 * One step of a host's circuit breaker, by the rules of `CircuitBreaker` (resilience/
 * circuit-breaker.ts; the conformance test runs the same cases against both): consecutive
 * failures open it; while open every call is refused until the recovery time has passed; then
 * `maxProbes` calls fleet-wide are admitted as probes (HALF_OPEN), the first outcome closing or
 * re-opening it; a probe that reports nothing within `halfOpenMax` counts as failed.
 * KEYS: breaker hash. ARGV: op (acquire | success | failure | peek), now, threshold, recovery,
 * maxProbes, halfOpenMax, ttl.
 * Returns: state before, state after (closed | open | halfOpen), failures, openedAt, since,
 * probes, admitted (1/0), retryAfter (until a call would be admitted, as `retryAfterMs()`).
 */
export const BREAKER_STEP = luaScript(`
local op = ARGV[1]
local now = tonumber(ARGV[2])
local threshold, recovery = tonumber(ARGV[3]), tonumber(ARGV[4])
local maxProbes, halfOpenMax = tonumber(ARGV[5]), tonumber(ARGV[6])
local f = redis.call('HMGET', KEYS[1], 'state', 'failures', 'openedAt', 'since', 'probes')
-- A time no process could have written (not a number, NaN, or more than a day ahead) is damaged:
-- the breaker starts closed, never obeys it.
local function damagedTime(raw)
  if not raw then return false end
  local value = tonumber(raw)
  return value == nil or value ~= value or value > now + 86400000
end
local damaged = '0'
if damagedTime(f[3]) or damagedTime(f[4]) then
  damaged = '1'
  f = {'closed', '0', '0', '0', '0'}
  redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', '0', 'openedAt', '0', 'since', '0', 'probes', '0')
end
local before = f[1] or 'closed'
local state = before
local failures = math.min(tonumber(f[2]) or 0, threshold - 1)
local openedAt = math.min(tonumber(f[3]) or 0, now)
local since = math.min(tonumber(f[4]) or 0, now)
local probes = tonumber(f[5]) or 0
if state ~= 'open' and state ~= 'halfOpen' then state = 'closed' end
if state == 'halfOpen' and now >= since + halfOpenMax then
  state = 'open'
  openedAt = since + halfOpenMax
end
local due = state == 'open' and now >= openedAt + recovery
local admitted = 1
if op == 'acquire' then
  if state == 'open' and not due then
    admitted = 0
  elseif state == 'open' then
    state, since, probes = 'halfOpen', now, 1
  elseif state == 'halfOpen' and probes >= maxProbes then
    admitted = 0
  elseif state == 'halfOpen' then
    probes = probes + 1
  end
elseif op == 'success' then
  if state == 'halfOpen' or due then state = 'closed' end
  failures = 0
elseif op == 'failure' then
  if state == 'closed' then
    failures = failures + 1
    if failures >= threshold then state, openedAt, failures = 'open', now, 0 end
  elseif state == 'halfOpen' or due then
    state, openedAt = 'open', now
  end
end
local retryAfter = 0
if state == 'open' then retryAfter = math.max(0, openedAt + recovery - now)
elseif state == 'halfOpen' and probes >= maxProbes then retryAfter = math.max(0, since + halfOpenMax - now) end
local changed = state ~= before or failures ~= (tonumber(f[2]) or 0) or openedAt ~= (tonumber(f[3]) or 0)
  or since ~= (tonumber(f[4]) or 0) or probes ~= (tonumber(f[5]) or 0)
if op ~= 'peek' and changed then
  redis.call('HSET', KEYS[1], 'state', state, 'failures', tostring(failures), 'openedAt', tostring(openedAt),
    'since', tostring(since), 'probes', tostring(probes))
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
end
return {before, state, tostring(failures), tostring(openedAt), tostring(since), tostring(probes), admitted, tostring(retryAfter), damaged}
`);

/**
 * Takes up to `amount` units of a day's budget without passing `limit`, for every process at
 * once. KEYS: the day's counter. ARGV: amount, limit, ttl. Returns the units granted.
 */
export const CONSUME_BUDGET = luaScript(`
local used = tonumber(redis.call('GET', KEYS[1])) or 0
local granted = math.max(0, math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used))
if granted > 0 then
  redis.call('INCRBY', KEYS[1], granted)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return granted
`);

/**
 * Sets a time field of a source's history only if it is newer than the one stored (with its
 * companion field, e.g. the failure's reason), so a late, older write never wins.
 * KEYS: history hash. ARGV: field, at, companion field ('' = none), companion value, ttl.
 */
export const SET_IF_NEWER = luaScript(`
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1])) or -1
if tonumber(ARGV[2]) > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], ARGV[3], ARGV[4]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`);

/**
 * Records a rate-limit answer and forgets those older than the window.
 * KEYS: the source's sorted set. ARGV: at, member (unique), window, ttl, most kept.
 */
export const RECORD_RATE_LIMIT = luaScript(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. tostring(tonumber(ARGV[1]) - tonumber(ARGV[3])))
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[5]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/** Deletes a lock only while it still holds the caller's token. KEYS: lock. ARGV: token. */
export const RELEASE_LOCK = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Extends a lock only while it still holds the caller's token. KEYS: lock. ARGV: token, ttl. */
export const RENEW_LOCK = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/**
 * Deletes a fill lock that has no TTL (every holder sets one, so it is damaged and would block
 * every fill for ever). KEYS: the lock. Returns 1 when it was deleted, else 0.
 */
export const DROP_LOCK_WITHOUT_TTL = luaScript(`
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`);

/**
 * A named entry and its place in its folder's sorted names, in one step (`NX` in ARGV[6]: only
 * when the entry is not there yet); names ranked below the keeping leave the set, and the set
 * lives as long as its newest entry. KEYS: entry, names. ARGV: base64 bytes, keep ms, rank, name,
 * lowest rank kept, 'NX' or ''. Returns 1 when written.
 */
export const WRITE_NAMED = luaScript(`
if ARGV[6] == 'NX' then
  if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`);
