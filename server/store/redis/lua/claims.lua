-- The claim window: create, open, close, and one tick's claims.

local GRANTED, SOLD_OUT, LIMIT_REACHED, CLAIMS_CLOSED = 0, 1, 2, 3

-- KEYS: game, order. ARGV: host, title, variant, ttlSeconds, seed, commitment, patterns,
-- prizes, graceMs, then the balls in draw order. Returns 1, or 0 when the id is taken.
local function create(keys, args)
  if redis.call('EXISTS', keys[1]) == 1 then return 0 end
  redis.call('HSET', keys[1], 'host', args[1], 'title', args[2], 'variant', args[3], 'phase', 'lobby',
    'total', 0, 'remaining', 0, 'version', 0, 'max', 0, 'next', 1, 'ttl', args[4],
    'seed', args[5], 'commitment', args[6], 'patterns', args[7], 'prizes', args[8], 'grace', args[9],
    'rv', 0, 'drawn', 0, 'paused', 0, 'auto', 0, 'pattern', 0, 'pending', -1, 'since', 0, 'carry', 0)
  redis.call('RPUSH', keys[2], unpack(args, 10))
  refresh_ttl(args[4], keys[1], keys[2])
  return 1
end

local function slot_reply(game)
  local s = redis.call('HMGET', game, 'total', 'remaining', 'version')
  return { 'OK', tonumber(s[1]), tonumber(s[2]), tonumber(s[3]) }
end

-- KEYS: game. ARGV: host, totalSlots, maxPerPlayer.
-- Returns { 'OK', total, remaining, version } or { errorCode, detail }.
local function open(keys, args)
  local game = keys[1]
  local phase, err = host_phase(game, args[1])
  if not phase then return { err, '' } end
  if phase ~= 'lobby' then return { 'WRONG_PHASE', phase } end
  local s = redis.call('HMGET', game, 'total', 'remaining')
  local granted = tonumber(s[1]) - tonumber(s[2])
  local total = tonumber(args[2])
  if total < granted then return { 'BAD_REQUEST', tostring(granted) } end
  redis.call('HSET', game, 'phase', 'claiming', 'total', total, 'remaining', total - granted, 'max', args[3])
  redis.call('HINCRBY', game, 'version', 1)
  return slot_reply(game)
end

-- KEYS: game. ARGV: host. Same reply shape as open.
local function close(keys, args)
  local game = keys[1]
  local phase, err = host_phase(game, args[1])
  if not phase then return { err, '' } end
  if phase == 'claiming' then
    redis.call('HSET', game, 'phase', 'lobby')
    redis.call('HINCRBY', game, 'version', 1)
  elseif phase ~= 'lobby' then
    return { 'WRONG_PHASE', phase }
  end
  return slot_reply(game)
end

-- KEYS: game, owned, cards, req. ARGV: playerId, requestId, count, ... (one triple per claim).
-- Returns { total, remaining, version, then per claim: status, first, count, total, remaining, version }
-- or { -1 } when the game does not exist. Every decision is made before the writes that
-- follow from it, and nothing here can fail halfway: MULTI has no rollback.
local function claims(keys, args)
  local game, owned_key, cards_key, req_key = keys[1], keys[2], keys[3], keys[4]
  local m = redis.call('HMGET', game, 'phase', 'total', 'remaining', 'version', 'max', 'next', 'ttl')
  if not m[1] then return { -1 } end
  local open = m[1] == 'claiming'
  local total, remaining, version = tonumber(m[2]), tonumber(m[3]), tonumber(m[4])
  local max, next_id, ttl = tonumber(m[5]), tonumber(m[6]), tonumber(m[7])

  local reply = { 0, 0, 0 }
  local owned, ranges = {}, {}     -- per player, read once, written once
  local first_in_batch = {}        -- request key -> offset of its first outcome in this batch
  local fresh = {}                 -- offsets whose slot numbers are the state after the batch
  local new_requests = {}          -- request keys first answered in this batch, in order

  for i = 1, #args, 3 do
    local player, count = args[i], tonumber(args[i + 2])
    local rkey = #player .. ':' .. player .. args[i + 1]
    local at = #reply + 1
    local earlier = first_in_batch[rkey]
    local stored = (not earlier) and redis.call('HGET', req_key, rkey)
    if stored then
      for v in string.gmatch(stored, '[^:]+') do reply[#reply + 1] = tonumber(v) end
    elseif earlier then
      reply[at], reply[at + 1], reply[at + 2] = reply[earlier], reply[earlier + 1], reply[earlier + 2]
      reply[at + 3], reply[at + 4], reply[at + 5] = 0, 0, 0
      fresh[#fresh + 1] = at
    else
      first_in_batch[rkey] = at
      new_requests[#new_requests + 1] = rkey
      fresh[#fresh + 1] = at
      local have = owned[player]
      if have == nil then
        have = tonumber(redis.call('HGET', owned_key, player) or '0')
        owned[player] = have
      end
      local status, first, granted = GRANTED, 0, 0
      if not open then
        status = CLAIMS_CLOSED
      elseif remaining <= 0 then
        status = SOLD_OUT
      elseif max - have <= 0 then
        status = LIMIT_REACHED
      else
        granted = math.min(count, remaining, max - have)
        first = next_id
        next_id = next_id + granted
        remaining = remaining - granted
        owned[player] = have + granted
        local r = ranges[player]
        if r == nil then
          r = redis.call('HGET', cards_key, player) or ''
        end
        if r ~= '' then r = r .. ',' end
        ranges[player] = r .. first .. ':' .. granted
      end
      reply[at], reply[at + 1], reply[at + 2] = status, first, granted
      reply[at + 3], reply[at + 4], reply[at + 5] = 0, 0, 0
    end
  end

  local changed = next_id ~= tonumber(m[6])
  if changed then
    version = version + 1
    redis.call('HSET', game, 'remaining', remaining, 'next', next_id, 'version', version)
    for player, have in pairs(owned) do
      if ranges[player] then
        redis.call('HSET', owned_key, player, have)
        redis.call('HSET', cards_key, player, ranges[player])
      end
    end
  end
  reply[1], reply[2], reply[3] = total, remaining, version
  for _, at in ipairs(fresh) do
    reply[at + 3], reply[at + 4], reply[at + 5] = total, remaining, version
  end
  -- HSET in chunks: unpack() of a very large table overflows the Lua stack.
  local fields = {}
  for n, rkey in ipairs(new_requests) do
    local at = first_in_batch[rkey]
    fields[#fields + 1] = rkey
    fields[#fields + 1] = table.concat({ reply[at], reply[at + 1], reply[at + 2], total, remaining, version }, ':')
    if #fields >= 1000 or n == #new_requests then
      redis.call('HSET', req_key, unpack(fields))
      fields = {}
    end
  end
  if #new_requests > 0 then refresh_ttl(ttl, game, req_key, owned_key, cards_key) end
  return reply
end

redis.register_function('bingo_create', create)
redis.register_function('bingo_open', open)
redis.register_function('bingo_close', close)
redis.register_function('bingo_claims', claims)
