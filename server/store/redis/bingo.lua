#!lua name=bingo

-- Redis functions of the bingo server. Every key of one game shares the hash tag
-- {<gameId>}, so each call touches a single cluster slot.
--
-- Game hash fields: host title variant phase total remaining version max next ttl
-- Owned hash:  playerId -> cards held
-- Cards hash:  playerId -> "first:count,first:count,..."
-- Req hash:    <#playerId>:<playerId><requestId> -> "status:first:count:total:remaining:version"
--
-- Claim statuses match server/domain/claim-batch.ts: 0 granted, 1 sold out,
-- 2 limit reached, 3 claims closed.

local GRANTED, SOLD_OUT, LIMIT_REACHED, CLAIMS_CLOSED = 0, 1, 2, 3

local function refresh_ttl(ttl, ...)
  for _, key in ipairs({ ... }) do
    redis.call('EXPIRE', key, ttl)
  end
end

-- KEYS: game. ARGV: host, title, variant, ttlSeconds. Returns 1, or 0 when the id is taken.
local function create(keys, args)
  if redis.call('EXISTS', keys[1]) == 1 then return 0 end
  redis.call('HSET', keys[1], 'host', args[1], 'title', args[2], 'variant', args[3], 'phase', 'lobby',
    'total', 0, 'remaining', 0, 'version', 0, 'max', 0, 'next', 1, 'ttl', args[4])
  redis.call('EXPIRE', keys[1], args[4])
  return 1
end

-- Checks that the game exists and belongs to the host; returns its phase or an error status.
local function host_phase(game, host)
  local meta = redis.call('HMGET', game, 'host', 'phase')
  if not meta[1] then return nil, 'NOT_FOUND' end
  if meta[1] ~= host then return nil, 'FORBIDDEN' end
  return meta[2]
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

-- KEYS: game, cards. ARGV: playerId.
-- Returns { phase, title, variant, max, total, remaining, version, cardRanges } or {} when missing.
local function view(keys, args)
  local m = redis.call('HMGET', keys[1], 'phase', 'title', 'variant', 'max', 'total', 'remaining', 'version')
  if not m[1] then return {} end
  local cards = redis.call('HGET', keys[2], args[1]) or ''
  return { m[1], m[2], tonumber(m[3]), tonumber(m[4]), tonumber(m[5]), tonumber(m[6]), tonumber(m[7]), cards }
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
redis.register_function{ function_name = 'bingo_view', callback = view, flags = { 'no-writes' } }
redis.register_function('bingo_claims', claims)
