-- Back-to-back games: a finished game remembers the game its host started after it.

-- KEYS: game. ARGV: host, nextId. Links the finished game to nextId unless it has a next
-- game already. Returns { 'OK', the next game's id that stands } or { errorCode, detail }.
-- Writes one field of a finished game and leaves its expiry as it was.
local function link_next(keys, args)
  local game = keys[1]
  local phase, err = host_phase(game, args[1])
  if not phase then return { err, '' } end
  if phase ~= 'finished' then return { 'WRONG_PHASE', phase } end
  local linked = redis.call('HGET', game, 'next_game')
  if linked then return { 'OK', linked } end
  redis.call('HSET', game, 'next_game', args[2])
  return { 'OK', args[2] }
end

redis.register_function('bingo_link_next', link_next)
