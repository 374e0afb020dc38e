-- Push: each game's cross-node push gate, and each player's devices.
--
-- Gate hash (bingo:{<gameId>}:pushgate), shared by every node:
--   stage   the game's push stage last recorded: open | closed | running | finished
--   pv      the highest slot version a push of the game carried
--   band    the count band (thresholds crossed) of the window's last claims push (open, or a count)
-- Stages only move forward, except a new `open` with a newer version (claims reopened).

local PUSH_STAGES = { open = 1, closed = 2, running = 3, finished = 4 }
-- KEYS: gate, game. ARGV: stage, version, band. Records a phase change before its push is queued.
-- 'passed', or 'stale' when the game is already at that stage or past it (the push is
-- then not queued: a second close after a sell-out, a close from a node that lagged).
local function push_phase(keys, args)
  local gate, stage, version = keys[1], args[1], tonumber(args[2])
  local m = redis.call('HMGET', gate, 'stage', 'pv')
  local current = PUSH_STAGES[m[1] or ''] or 0
  local pv = tonumber(m[2] or '-1')
  if stage == 'open' then
    if version <= pv then return 'stale' end
  elseif PUSH_STAGES[stage] <= current then
    return 'stale'
  end
  redis.call('HSET', gate, 'stage', stage, 'pv', math.max(pv, version))
  if stage == 'open' then redis.call('HSET', gate, 'band', tonumber(args[3] or '0')) end
  expire_with(keys[2], gate)
  return 'passed'
end

-- KEYS: gate, game. ARGV: version, band. Lets a slot count through: only while claims are
-- open, only newer than every push of the game so far, only when it crossed a threshold
-- the window's pushes had not (its band is higher). Returns 'passed', 'same-band' or 'stale'.
local function push_count(keys, args)
  local gate, version, band = keys[1], tonumber(args[1]), tonumber(args[2])
  local m = redis.call('HMGET', gate, 'stage', 'pv', 'band')
  if m[1] ~= 'open' or version <= tonumber(m[2] or '-1') then return 'stale' end
  if band <= tonumber(m[3] or '0') then return 'same-band' end
  redis.call('HSET', gate, 'pv', version, 'band', band)
  expire_with(keys[2], gate)
  return 'passed'
end

-- Token counts per platform (the bingo_push_tokens metric): one sorted set per platform,
-- member sha1(token), score the registration (ms). Written in the same call that registers,
-- moves, drops or prunes a token, so they cannot drift from the tokens hashes; a token not
-- registered again within the TTL stops counting by its score (its hash may have expired).
-- KEYS given in the order android, ios, web (same slot as the player's tokens in a Cluster).
local PUSH_PLATFORMS = { 'android', 'ios', 'web' }

local function count_token(counts, token, platform, at)
  local member = redis.sha1hex(token)
  for i, name in ipairs(PUSH_PLATFORMS) do
    if name == platform then redis.call('ZADD', counts[i], at, member) else redis.call('ZREM', counts[i], member) end
  end
end

local function uncount_token(counts, token)
  local member = redis.sha1hex(token)
  for i = 1, #PUSH_PLATFORMS do redis.call('ZREM', counts[i], member) end
end

-- KEYS: tokens (hash: token -> "platform:registeredMs", ms to the microsecond so that two
-- registrations in one ms keep their order), prefs, count android, ios, web.
-- ARGV: token, platform, maxTokens, ttlS.
-- Registers (or refreshes) a device, then drops the oldest others beyond maxTokens. The
-- player's push preferences live as long as their devices: their expiry is refreshed too.
-- Returns the dropped tokens.
local function push_register(keys, args)
  local tokens, token = keys[1], args[1]
  local counts = { keys[3], keys[4], keys[5] }
  local t = redis.call('TIME')
  local ms = string.format('%03d.%03d', math.floor(tonumber(t[2]) / 1000), tonumber(t[2]) % 1000)
  local at = tonumber(t[1] .. ms)
  redis.call('HSET', tokens, token, args[2] .. ':' .. t[1] .. ms)
  redis.call('EXPIRE', tokens, args[4])
  -- Called with the tokens key only by a node of the previous version (a rolling upgrade):
  -- its registration still works, uncounted until the device registers again.
  local counted = #keys >= 5
  if counted then
    redis.call('EXPIRE', keys[2], args[4])
    count_token(counts, token, args[2], at)
    for i = 1, #counts do redis.call('ZREMRANGEBYSCORE', counts[i], '-inf', at - tonumber(args[4]) * 1000) end
  end
  local max = tonumber(args[3])
  if redis.call('HLEN', tokens) <= max then return {} end
  local all = redis.call('HGETALL', tokens)
  local others = {}
  for i = 1, #all, 2 do
    if all[i] ~= token then
      local registered = tonumber(string.match(all[i + 1], ':([%d.]+)$') or '0')
      others[#others + 1] = { all[i], registered }
    end
  end
  table.sort(others, function(a, b) return a[2] < b[2] end)
  local dropped = {}
  for i = 1, #others - (max - 1) do
    redis.call('HDEL', tokens, others[i][1])
    if counted then uncount_token(counts, others[i][1]) end
    dropped[#dropped + 1] = others[i][1]
  end
  return dropped
end

-- KEYS: tokens, count android, ios, web. ARGV: token. Drops a device of the player (moved to
-- another player, unregistered, dead at FCM, or pruned). Returns 1 when the player had it.
local function push_drop(keys, args)
  if redis.call('HDEL', keys[1], args[1]) == 0 then return 0 end
  uncount_token({ keys[2], keys[3], keys[4] }, args[1])
  return 1
end

-- KEYS: count android, ios, web. ARGV: ttlMs. Tokens per platform registered within the TTL
-- (older ones are forgotten here).
local function push_token_count(keys, args)
  local t = redis.call('TIME')
  local horizon = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(args[1])
  local result = {}
  for i = 1, #keys do
    redis.call('ZREMRANGEBYSCORE', keys[i], '-inf', horizon)
    result[i] = redis.call('ZCARD', keys[i])
  end
  return result
end

-- KEYS: owner (token -> player). ARGV: player. Forgets the owner if it is still that player.
local function push_disown(keys, args)
  if redis.call('GET', keys[1]) == args[1] then redis.call('DEL', keys[1]) end
  return 0
end

redis.register_function('bingo_push_phase', push_phase)
redis.register_function('bingo_push_count', push_count)
redis.register_function('bingo_push_register', push_register)
redis.register_function('bingo_push_disown', push_disown)
redis.register_function('bingo_push_drop', push_drop)
redis.register_function('bingo_push_token_count', push_token_count)

-- KEYS: outbox stream. ARGV: group, consumer, ids... Renews the consumer's claim on the
-- entries still its own (XCLAIM JUSTID starts their idle time again), and returns those:
-- an entry another node took over meanwhile is left to that node.
local function push_renew(keys, args)
  local mine = {}
  for i = 3, #args do
    local pending = redis.call('XPENDING', keys[1], args[1], args[i], args[i], 1)
    if pending[1] and pending[1][2] == args[2] then
      redis.call('XCLAIM', keys[1], args[1], args[2], 0, args[i], 'JUSTID')
      mine[#mine + 1] = args[i]
    end
  end
  return mine
end

redis.register_function('bingo_push_renew', push_renew)
