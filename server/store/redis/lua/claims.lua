-- The claim window: create, open, close, and one tick's claims.

local GRANTED, SOLD_OUT, LIMIT_REACHED, CLAIMS_CLOSED = 0, 1, 2, 3

-- KEYS: game, order. ARGV: host, title, variant, ttlSeconds, seed, commitment, patterns,
-- prizes, graceMs, recordIds ('sub' | 'salted-hash'), currency (ISO 4217), then the balls in draw order.
-- Returns 1, or 0 when the id is taken.
local function create(keys, args)
  if redis.call('EXISTS', keys[1]) == 1 then return 0 end
  redis.call('HSET', keys[1], 'host', args[1], 'title', args[2], 'variant', args[3], 'phase', 'lobby',
    'total', 0, 'remaining', 0, 'version', 0, 'max', 0, 'next', 1, 'ttl', args[4],
    'seed', args[5], 'commitment', args[6], 'patterns', args[7], 'prizes', args[8], 'grace', args[9],
    'rids', args[10], 'rv', 0, 'drawn', 0, 'paused', 0, 'auto', 0, 'pattern', 0, 'pending', -1, 'from', -1, 'carry', 0,
    'currency', args[11])
  redis.call('RPUSH', keys[2], unpack(args, 12))
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

-- Hash commands take at most this many fields at once: unpack() of a very large table
-- overflows the Lua stack (MAX_CLAIMS_PER_TICK may be up to 50,000).
local FIELDS_PER_CALL = 1000

-- HMGET of any number of fields; missing fields are false.
local function hmget_many(key, fields)
  if #fields == 0 then return {} end
  if #fields <= FIELDS_PER_CALL then return redis.call('HMGET', key, unpack(fields)) end
  local out = {}
  for i = 1, #fields, FIELDS_PER_CALL do
    local part = redis.call('HMGET', key, unpack(fields, i, math.min(i + FIELDS_PER_CALL - 1, #fields)))
    for j = 1, #part do out[#out + 1] = part[j] end
  end
  return out
end

-- HSET of a flat field, value, field, value, ... list.
local function hset_many(key, flat)
  for i = 1, #flat, 2 * FIELDS_PER_CALL do
    redis.call('HSET', key, unpack(flat, i, math.min(i + 2 * FIELDS_PER_CALL - 1, #flat)))
  end
end

-- KEYS: game, owned, cards, req, roster. ARGV: playerId, requestId, count, ... (one triple per claim).
-- Only granted claims are recorded (and only they extend the game's expiry): a refused
-- claim writes nothing, so a repeat of it is decided again (refused again, or granted if
-- the window reopened with room).
-- Returns { total, remaining, version, then per claim: status, first, count, total, remaining, version }
-- or { -1 } when the game does not exist. Every decision is made before the writes that
-- follow from it, and nothing here can fail halfway: MULTI has no rollback.
-- A batch reads and writes each hash with a few multi-field commands, never one command
-- per claim: a redis.call costs more than the hash work it does.
local function claims(keys, args)
  local game, owned_key, cards_key, req_key, roster_key = keys[1], keys[2], keys[3], keys[4], keys[5]
  local m = redis.call('HMGET', game, 'phase', 'total', 'remaining', 'version', 'max', 'next', 'ttl')
  if not m[1] then return { -1 } end
  local open = m[1] == 'claiming'
  local total, remaining, version = tonumber(m[2]), tonumber(m[3]), tonumber(m[4])
  local max, next_id, ttl = tonumber(m[5]), tonumber(m[6]), tonumber(m[7])

  local n = #args / 3
  local rkeys = {}
  for c = 1, n do
    local player = args[3 * c - 2]
    rkeys[c] = #player .. ':' .. player .. args[3 * c - 1]
  end
  local stored = hmget_many(req_key, rkeys)

  -- Which claims are new (first seen in this batch, no stored answer), and their players.
  local first_in_batch = {}        -- request key -> claim number of its first occurrence
  local new_claims = {}            -- claim numbers first answered in this batch, in order
  local players, owned = {}, {}    -- distinct players of new claims; player -> cards held
  for c = 1, n do
    local rkey = rkeys[c]
    if not stored[c] and not first_in_batch[rkey] then
      first_in_batch[rkey] = c
      new_claims[#new_claims + 1] = c
      local player = args[3 * c - 2]
      if owned[player] == nil then
        owned[player] = false
        players[#players + 1] = player
      end
    end
  end
  -- Holdings only matter while something can still be granted.
  if open and remaining > 0 and #players > 0 then
    local held = hmget_many(owned_key, players)
    for p = 1, #players do owned[players[p]] = tonumber(held[p] or '0') end
  end

  -- Decide every new claim in batch order.
  local status, first, granted = {}, {}, {}
  local winners, grants = {}, {}   -- players granted cards here, in order; player -> "first:count" list
  for _, c in ipairs(new_claims) do
    local player = args[3 * c - 2]
    local have = owned[player]
    if not open then
      status[c], first[c], granted[c] = CLAIMS_CLOSED, 0, 0
    elseif remaining <= 0 then
      status[c], first[c], granted[c] = SOLD_OUT, 0, 0
    elseif max - have <= 0 then
      status[c], first[c], granted[c] = LIMIT_REACHED, 0, 0
    else
      local g = math.min(tonumber(args[3 * c]), remaining, max - have)
      status[c], first[c], granted[c] = GRANTED, next_id, g
      owned[player] = have + g
      local range = next_id .. ':' .. g
      if grants[player] then
        grants[player] = grants[player] .. ',' .. range
      else
        grants[player] = range
        winners[#winners + 1] = player
      end
      next_id = next_id + g
      remaining = remaining - g
    end
  end

  if #winners > 0 then
    version = version + 1
    redis.call('HSET', game, 'remaining', remaining, 'next', next_id, 'version', version)
    local before = hmget_many(cards_key, winners)
    local owned_pairs, card_pairs, newcomers = {}, {}, {}
    for w = 1, #winners do
      local player = winners[w]
      local ranges = before[w]
      owned_pairs[2 * w - 1], owned_pairs[2 * w] = player, owned[player]
      card_pairs[2 * w - 1] = player
      card_pairs[2 * w] = (ranges and ranges ~= '') and (ranges .. ',' .. grants[player]) or grants[player]
      if roster_key and not (ranges and ranges ~= '') then newcomers[#newcomers + 1] = player end
    end
    hset_many(owned_key, owned_pairs)
    hset_many(cards_key, card_pairs)
    -- The host's player list (names.lua): each player once, in the order of their first grant.
    for i = 1, #newcomers, FIELDS_PER_CALL do
      redis.call('RPUSH', roster_key, unpack(newcomers, i, math.min(i + FIELDS_PER_CALL - 1, #newcomers)))
    end
  end

  -- The reply, and the first answer of every new request, stored for its repeats.
  local after = ':' .. total .. ':' .. remaining .. ':' .. version
  local reply = { total, remaining, version }
  local records = {}
  for c = 1, n do
    local at = 3 + 6 * (c - 1) + 1
    local record = stored[c]
    if record then
      for v in string.gmatch(record, '[^:]+') do
        reply[at] = tonumber(v)
        at = at + 1
      end
    else
      local e = first_in_batch[rkeys[c]]
      reply[at], reply[at + 1], reply[at + 2] = status[e], first[e], granted[e]
      reply[at + 3], reply[at + 4], reply[at + 5] = total, remaining, version
      -- Only grants are stored: a refusal writes nothing (a retry is decided afresh).
      if e == c and status[c] == GRANTED then
        records[#records + 1] = rkeys[c]
        records[#records + 1] = status[c] .. ':' .. first[c] .. ':' .. granted[c] .. after
      end
    end
  end
  -- A grant is progress: the game lives on. A batch of refusals writes nothing at all.
  if #records > 0 then
    hset_many(req_key, records)
    refresh_ttl(ttl, game, req_key, owned_key, cards_key, roster_key)
  end
  return reply
end

redis.register_function('bingo_create', create)
redis.register_function('bingo_open', open)
redis.register_function('bingo_close', close)
redis.register_function('bingo_claims', claims)
