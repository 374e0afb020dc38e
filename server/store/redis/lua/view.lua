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

redis.register_function{ function_name = 'bingo_view', callback = view, flags = { 'no-writes' } }
