-- Player names and the roster: who plays a game, for its host.
--
-- names (hash, player -> display name, already validated by the node) and roster (list:
-- each player once, in the order they first got cards, written by bingo_claims) share the
-- game's hash tag. A rename overwrites the one field: a player renaming again and again
-- grows nothing. Awards copy the winners' names when they are made (round.lua, award).

-- KEYS: game, names. ARGV: player, name. Returns 1, or 0 when the game does not exist.
local function set_name(keys, args)
  if redis.call('EXISTS', keys[1]) == 0 then return 0 end
  redis.call('HSET', keys[2], args[1], args[2])
  -- A player's choice never extends the game (like bingo_set_auto).
  expire_with_game(keys[1], keys[2])
  return 1
end

-- KEYS: game, roster, owned, names. ARGV: host, cursor, limit.
-- Returns { 'OK', total, then per player: id, cards held, name ('' = none) }, or { code, '' }.
local function players(keys, args)
  local _, err = host_phase(keys[1], args[1])
  if err then return { err, '' } end
  local cursor, limit = tonumber(args[2]), tonumber(args[3])
  local ids = redis.call('LRANGE', keys[2], cursor, cursor + limit - 1)
  local reply = { 'OK', redis.call('LLEN', keys[2]) }
  if #ids == 0 then return reply end
  local held = redis.call('HMGET', keys[3], unpack(ids))
  local names = redis.call('HMGET', keys[4], unpack(ids))
  for i = 1, #ids do
    reply[#reply + 1] = ids[i]
    reply[#reply + 1] = tonumber(held[i] or '0')
    reply[#reply + 1] = names[i] or ''
  end
  return reply
end

redis.register_function('bingo_set_name', set_name)
redis.register_function{ function_name = 'bingo_players', callback = players, flags = { 'no-writes' } }
