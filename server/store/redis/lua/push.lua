-- Push: each game's cross-node push gate, and each player's devices.
--
-- Gate hash (bingo:{<gameId>}:pushgate), shared by every node:
--   stage   the game's push stage last recorded: open | closed | running | finished
--   pv      the highest slot version a push of the game carried
--   band    the count band (thresholds crossed) of the window's last claims push (open, or a count)
-- Stages only move forward, except a new `open` with a newer version (claims reopened).

local PUSH_STAGES = { open = 1, closed = 2, running = 3, finished = 4 }
-- A game's push keys live as long as the game (its hash's expiry), so they never outlast
-- it; this is their lifetime only when the game has none (gone, or kept without expiry).
local PUSH_KEY_TTL_MS = 86400000

local function expire_with(game, key)
  local left = redis.call('PTTL', game)
  redis.call('PEXPIRE', key, left > 0 and left or PUSH_KEY_TTL_MS)
end

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

-- The index of a game's away players, so a push event reads only its candidates, never
-- the whole audience (every key lives as long as the game, like the audience):
--   away       hash player -> mark: players who may be away (a socket of theirs closed,
--              their app went to the background, or they joined from a closed socket).
--              The mark is unique (from awayseq), so a node that found a player connected
--              drops them only if they were not marked again meanwhile (push_settle).
--   awayseq    the counter of marks
--   on         sorted set, all scores 0, members "<instance>\0<player>": the player left
--              `away` while holding a socket on that node instance. Read by prefix (an
--              instance id never holds a NUL) for the instances that stopped beating.
--   instances  set of the instances named in `on`
-- A player of the audience missing from `away` is in `on` under an instance where they
-- held a socket that has not closed since (any close marks them again): while that
-- instance beats the socket counts, and once it stops they are read from `on`.

local function mark_away(away, seq, game, player)
  redis.call('HSET', away, player, redis.call('INCR', seq))
  expire_with(game, away)
  expire_with(game, seq)
end

-- KEYS: audience, game [, away, awayseq, on, instances]. ARGV: player [, instance].
-- A player joined the game: one of its push audience, for as long as the game lives. With
-- the index keys: joined from a socket open on `instance` (out of `away`, into `on`), or,
-- with instance '', from a socket already closed (marked away). A node of the previous
-- version (audience and game only) adds to the audience alone.
local function push_audience(keys, args)
  redis.call('SADD', keys[1], args[1])
  expire_with(keys[2], keys[1])
  if #keys < 6 then return 1 end
  local player, instance = args[1], args[2] or ''
  if instance == '' then
    mark_away(keys[3], keys[4], keys[2], player)
  else
    redis.call('HDEL', keys[3], player)
    redis.call('ZADD', keys[5], 0, instance .. '\0' .. player)
    redis.call('SADD', keys[6], instance)
  end
  for i = 3, 6 do expire_with(keys[2], keys[i]) end
  return 1
end

-- KEYS: audience, game, away, awayseq, on. ARGV: player, instance.
-- A socket of the player closed, or their app went to the background: marked away in this
-- game, and out of `on` under `instance` (its last socket there closed; '' for none).
-- Nothing is written when the player is not (or no longer) of the game's audience: 0, or
-- -1 when the game and its audience are both gone (the caller forgets the game: no join
-- can bring it back).
local function push_away(keys, args)
  local player, instance = args[1], args[2]
  if redis.call('EXISTS', keys[1], keys[2]) == 0 then return -1 end
  if redis.call('SISMEMBER', keys[1], player) == 0 then return 0 end
  mark_away(keys[3], keys[4], keys[2], player)
  if instance ~= '' then redis.call('ZREM', keys[5], instance .. '\0' .. player) end
  return 1
end

-- KEYS: away, on, instances, game. ARGV: player, mark, live instance, dead instances...
-- A candidate found connected in the foreground, with a socket on the live instance: out of
-- `away` (only if its mark is still `mark`, '' for not in `away`), into `on` under the
-- live instance, and out of `on` under the dead ones it was read from (an instance with
-- no one left in `on` leaves `instances`). Returns 1 when settled, 0 when marked meanwhile.
local function push_settle(keys, args)
  local away, on, instances, game = keys[1], keys[2], keys[3], keys[4]
  local player, mark, live = args[1], args[2], args[3]
  if (redis.call('HGET', away, player) or '') ~= mark then return 0 end
  redis.call('HDEL', away, player)
  redis.call('ZADD', on, 0, live .. '\0' .. player)
  redis.call('SADD', instances, live)
  for i = 4, #args do
    local dead = args[i]
    redis.call('ZREM', on, dead .. '\0' .. player)
    if redis.call('ZLEXCOUNT', on, '[' .. dead .. '\0', '(' .. dead .. '\1') == 0 then redis.call('SREM', instances, dead) end
  end
  expire_with(game, on)
  expire_with(game, instances)
  return 1
end

-- KEYS: away, instances, on, audience. ARGV: the instances alive now. A push event's
-- candidates: the players in `away`, and those in `on` under an instance that is not
-- alive, each still of the audience (the audience may expire before the index does), as
-- { player, mark ('' when not in away), dead instances it is in `on` under... }.
local function push_candidates(keys, args)
  local live, found, order = {}, {}, {}
  for i = 1, #args do live[args[i]] = true end
  local away = redis.call('HGETALL', keys[1])
  for i = 1, #away, 2 do
    found[away[i]] = { away[i], away[i + 1] }
    order[#order + 1] = away[i]
  end
  for _, instance in ipairs(redis.call('SMEMBERS', keys[2])) do
    if not live[instance] then
      for _, member in ipairs(redis.call('ZRANGEBYLEX', keys[3], '[' .. instance .. '\0', '(' .. instance .. '\1')) do
        local player = string.sub(member, #instance + 2)
        local entry = found[player]
        if not entry then
          entry = { player, '' }
          found[player] = entry
          order[#order + 1] = player
        end
        entry[#entry + 1] = instance
      end
    end
  end
  local result = {}
  for _, player in ipairs(order) do
    if redis.call('SISMEMBER', keys[4], player) == 1 then result[#result + 1] = found[player] end
  end
  return result
end

redis.register_function('bingo_push_phase', push_phase)
redis.register_function('bingo_push_candidates', push_candidates)
redis.register_function('bingo_push_audience', push_audience)
redis.register_function('bingo_push_away', push_away)
redis.register_function('bingo_push_settle', push_settle)
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
