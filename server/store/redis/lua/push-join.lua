-- A batch of joins on one Redis (not a Cluster, where each player's keys live in a slot of
-- their own): the directory's three steps (RedisPlayerDirectory.join) in one call per chunk
-- of players instead of four commands per player: each player's games set, then the game's
-- audience and away index (push_joined), then each player's foreground. One call runs
-- whole, so a background or a close of one of these players lands before all three steps
-- or after them.
-- KEYS: audience, game, away, awayseq, on, instances, then each player's games set and
-- presence hash, in the order of ARGV's pairs. ARGV: gameId, ttlSeconds, then player,
-- instance ('' for a socket already closed), player, instance, ...
local function push_players_joined(keys, args)
  local game_id, ttl = args[1], args[2]
  local joins = {}
  for i = 3, #args do joins[#joins + 1] = args[i] end
  local players = #joins / 2
  for p = 1, players do
    local games = keys[6 + 2 * p - 1]
    redis.call('SADD', games, game_id)
    redis.call('EXPIRE', games, ttl)
  end
  push_joined(keys, joins)
  for p = 1, players do
    local presence = keys[6 + 2 * p]
    redis.call('HSET', presence, 'app', 'foreground')
    redis.call('EXPIRE', presence, ttl)
  end
  return players
end

redis.register_function('bingo_push_players_joined', push_players_joined)
