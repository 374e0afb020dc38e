-- The per-host index of unfinished games (MAX_GAMES_PER_HOST). It is one key with its own
-- hash tag, apart from the games' slots, so this function only ever touches that key; the
-- node reads the listed games' phases before calling it (RedisGameStore.createGame).

-- KEYS: host index (zset: gameId -> ms reserved). ARGV: gameId, limit (0: none),
-- ttlSeconds, graceMs, then pairs of (gameId, state) for listed games the node found
-- 'finished' or 'missing'. Finished games leave the index; missing ones too, unless
-- reserved less than graceMs ago (their creation may still be on its way).
-- Returns 1 and reserves gameId, or 0 when the host already has `limit` games.
local function host_reserve(keys, args)
  local index = keys[1]
  local now = now_ms()
  local grace = tonumber(args[4])
  for i = 5, #args, 2 do
    local id, state = args[i], args[i + 1]
    if state == 'finished' then
      redis.call('ZREM', index, id)
    else
      local reserved = redis.call('ZSCORE', index, id)
      if reserved and tonumber(reserved) < now - grace then redis.call('ZREM', index, id) end
    end
  end
  local limit = tonumber(args[2])
  if limit > 0 and redis.call('ZCARD', index) >= limit then return 0 end
  redis.call('ZADD', index, now, args[1])
  -- The index lives as long as a game created now would, untouched.
  redis.call('EXPIRE', index, args[3])
  return 1
end

redis.register_function('bingo_host_reserve', host_reserve)
