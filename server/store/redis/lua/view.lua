-- What one player sees of a game (and what a node needs to serve it).

local VIEW_FIELDS = { 'phase', 'title', 'variant', 'max', 'total', 'remaining', 'version', 'seed', 'commitment',
  'patterns', 'prizes', 'rv', 'drawn', 'paused', 'auto', 'pattern', 'host', 'grace', 'rids',
  'currency', 'next_game' }

-- KEYS: game, cards, awards, autoflags. ARGV: playerId.
-- Returns the VIEW_FIELDS values, then the player's card ranges, auto flag ('' = default),
-- and the awards (JSON each); {} when the game does not exist.
local function view(keys, args)
  local m = redis.call('HMGET', keys[1], unpack(VIEW_FIELDS))
  if not m[1] then return {} end
  m[#m + 1] = redis.call('HGET', keys[2], args[1]) or ''
  m[#m + 1] = redis.call('HGET', keys[4], args[1]) or ''
  for _, record in ipairs(redis.call('LRANGE', keys[3], 0, -1)) do m[#m + 1] = record end
  return m
end

-- unpack() takes a few thousand values at most: HMGET a long list of fields in parts.
local HMGET_PART = 1000

-- Appends to `out` the value of each field of `names` in the hash `key` ('' when absent).
local function hmget_into(out, key, names)
  for first = 1, #names, HMGET_PART do
    local part = redis.call('HMGET', key, unpack(names, first, math.min(first + HMGET_PART - 1, #names)))
    for i = 1, #part do out[#out + 1] = part[i] or '' end
  end
end

-- KEYS: game, cards, awards, autoflags. ARGV: playerIds (the caller bounds how many).
-- A batch of joins read at once: the VIEW_FIELDS values, then each player's card ranges,
-- then each player's auto flag ('' = default), both in ARGV order, then the awards (JSON
-- each); {} when the game does not exist.
local function view_many(keys, args)
  local m = redis.call('HMGET', keys[1], unpack(VIEW_FIELDS))
  if not m[1] then return {} end
  hmget_into(m, keys[2], args)
  hmget_into(m, keys[4], args)
  for _, record in ipairs(redis.call('LRANGE', keys[3], 0, -1)) do m[#m + 1] = record end
  return m
end

redis.register_function{ function_name = 'bingo_view', callback = view, flags = { 'no-writes' } }
redis.register_function{ function_name = 'bingo_view_many', callback = view_many, flags = { 'no-writes' } }
