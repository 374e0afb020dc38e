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

-- KEYS: tokens (hash: token -> "platform:registeredMs", ms to the microsecond so that two
-- registrations in one ms keep their order). ARGV: token, platform, maxTokens, ttlS.
-- Registers (or refreshes) a device, then drops the oldest others beyond maxTokens.
-- Returns the dropped tokens.
local function push_register(keys, args)
  local tokens, token = keys[1], args[1]
  local t = redis.call('TIME')
  redis.call('HSET', tokens, token, args[2] .. ':' .. t[1] .. string.format('%03d.%03d', math.floor(tonumber(t[2]) / 1000), tonumber(t[2]) % 1000))
  redis.call('EXPIRE', tokens, args[4])
  local max = tonumber(args[3])
  if redis.call('HLEN', tokens) <= max then return {} end
  local all = redis.call('HGETALL', tokens)
  local others = {}
  for i = 1, #all, 2 do
    if all[i] ~= token then
      local at = tonumber(string.match(all[i + 1], ':([%d.]+)$') or '0')
      others[#others + 1] = { all[i], at }
    end
  end
  table.sort(others, function(a, b) return a[2] < b[2] end)
  local dropped = {}
  for i = 1, #others - (max - 1) do
    redis.call('HDEL', tokens, others[i][1])
    dropped[#dropped + 1] = others[i][1]
  end
  return dropped
end

-- KEYS: owner (token -> player). ARGV: player. Forgets the owner if it is still that player.
local function push_disown(keys, args)
  if redis.call('GET', keys[1]) == args[1] then redis.call('DEL', keys[1]) end
  return 0
end

-- KEYS: audience, game. ARGV: player. A player joined the game: one of its push audience,
-- for as long as the game lives.
local function push_audience(keys, args)
  redis.call('SADD', keys[1], args[1])
  expire_with(keys[2], keys[1])
  return 1
end

redis.register_function('bingo_push_phase', push_phase)
redis.register_function('bingo_push_audience', push_audience)
redis.register_function('bingo_push_count', push_count)
redis.register_function('bingo_push_register', push_register)
redis.register_function('bingo_push_disown', push_disown)

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
