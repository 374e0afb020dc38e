-- The index of a game's away players, so a push event reads only its candidates, never
-- the whole audience (every key lives as long as the game, like the audience):
--   away       hash player -> mark: players who may be away (a socket of theirs closed,
--              their app went to the background, or they joined from a closed socket).
--              The mark is unique (from awayseq), so a node that found a player connected
--              drops them only if they were not marked again meanwhile (push_settle).
--   awayseq    the counter of marks; written (0) when the game's audience starts, so a game
--              whose audience started before the index existed (or on a node of the
--              previous version) has none, and its push events read the whole audience
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
  local fresh = redis.call('EXISTS', keys[1]) == 0
  redis.call('SADD', keys[1], args[1])
  expire_with(keys[2], keys[1])
  if #keys < 6 then return 1 end
  if fresh then redis.call('SET', keys[4], 0, 'NX') end
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

-- KEYS: audience, game, away, awayseq, on, instances. ARGV: player, instance, player,
-- instance, ... A batch of joins (one tick's, JoinBatcher, each player once): what
-- push_audience does for each pair, with one variadic command per key and each key's expiry
-- set once, not per player: a 20,000-player join storm made some 16 calls per player here.
local function push_joined(keys, args)
  local audience, game, away, seq, on, instances = keys[1], keys[2], keys[3], keys[4], keys[5], keys[6]
  if #args == 0 then return 1 end
  if redis.call('EXISTS', audience) == 0 then redis.call('SET', seq, 0, 'NX') end
  local players, back, members, seen, named = {}, {}, {}, {}, {}
  for i = 1, #args, 2 do
    local player, instance = args[i], args[i + 1] or ''
    players[#players + 1] = player
    if instance == '' then
      redis.call('HSET', away, player, redis.call('INCR', seq))
    else
      back[#back + 1] = player
      members[#members + 1] = 0
      members[#members + 1] = instance .. '\0' .. player
      if not seen[instance] then
        seen[instance] = true
        named[#named + 1] = instance
      end
    end
  end
  redis.call('SADD', audience, unpack(players))
  if #back > 0 then
    redis.call('HDEL', away, unpack(back))
    redis.call('ZADD', on, unpack(members))
    redis.call('SADD', instances, unpack(named))
  end
  expire_with(game, audience)
  for i = 3, 6 do expire_with(game, keys[i]) end
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

-- KEYS: away, instances, on, audience, awayseq. ARGV: the instances alive now. A push
-- event's candidates: the players in `away`, and those in `on` under an instance that is
-- not alive, each still of the audience (the audience may expire before the index does),
-- as { player, mark ('' when not in away), dead instances it is in `on` under... }; or -1
-- when the audience started without the index (the caller reads the whole audience).
local function push_candidates(keys, args)
  if redis.call('EXISTS', keys[5]) == 0 and redis.call('EXISTS', keys[4]) == 1 then return -1 end
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

-- No caller in this version (joins go through bingo_push_joined); kept registered because a
-- node of an earlier version may call it during a rolling deploy (docs/operations.md).
redis.register_function('bingo_push_audience', push_audience)
redis.register_function('bingo_push_joined', push_joined)
redis.register_function('bingo_push_away', push_away)
redis.register_function('bingo_push_settle', push_settle)
redis.register_function('bingo_push_candidates', push_candidates)
