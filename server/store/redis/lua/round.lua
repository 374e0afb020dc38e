-- The round: start, draws, the auto-draw lease, pause/resume/auto, bingo calls, awards, end.
--
-- Fair winners. For the pattern in play, ball index j's claim window closes
--   max(time ball j+1 was drawn, time the pattern came into play) + grace
-- and is open while ball j+1 is not drawn. A call is valid when its card completed the
-- pattern on ball j <= the last drawn and j's window is open. The pending award keeps the
-- smallest such j; every valid call for that j shares the prize; the award is made once
-- that window has closed (bingo_settle), whichever node asks first.

local CALL_OK, CALL_INVALID, CALL_FORBIDDEN, CALL_WRONG_PHASE, CALL_SKIPPED = 0, 1, 2, 3, 4

-- ms at which ball index j's window closes, or nil while it is open with no end yet.
local function window_close(times_key, j, since, grace)
  local next_draw = redis.call('LINDEX', times_key, j + 1)
  if not next_draw then return nil end
  return math.max(tonumber(next_draw), since) + grace
end

local function bump_rv(game)
  return redis.call('HINCRBY', game, 'rv', 1)
end

-- KEYS: game. ARGV: host. Closes claims if open. Returns { 'OK', rv, total, remaining, version }.
local function start(keys, args)
  local game = keys[1]
  local phase, err = host_phase(game, args[1])
  if not phase then return { err, '' } end
  if phase ~= 'lobby' and phase ~= 'claiming' then return { 'WRONG_PHASE', phase } end
  if phase == 'claiming' then redis.call('HINCRBY', game, 'version', 1) end
  redis.call('HSET', game, 'phase', 'running', 'since', now_ms(), 'pattern', 0, 'pending', -1)
  local rv = bump_rv(game)
  local s = redis.call('HMGET', game, 'total', 'remaining', 'version')
  return { 'OK', rv, tonumber(s[1]), tonumber(s[2]), tonumber(s[3]) }
end

-- KEYS: game, order, times. ARGV: host, expectedIndex (-1: any), leaseToken (0: a host's draw).
-- Returns { 'OK', ball, index, rv, drewNow 0/1, settleAt (-1: none due) } or { errorCode, detail }.
local function draw(keys, args)
  local game, order, times = keys[1], keys[2], keys[3]
  local m = redis.call('HMGET', game, 'host', 'phase', 'drawn', 'paused', 'rv', 'lease_token', 'lease_until',
    'pending', 'since', 'grace')
  if not m[1] then return { 'NOT_FOUND', '' } end
  local token = tonumber(args[3])
  local now = now_ms()
  if token == 0 then
    if m[1] ~= args[1] then return { 'FORBIDDEN', '' } end
  elseif tonumber(m[6] or '0') ~= token or tonumber(m[7] or '0') <= now then
    return { 'STALE_LEASE', '' }
  end
  if m[2] ~= 'running' then return { 'WRONG_PHASE', m[2] } end
  local drawn, expected = tonumber(m[3]), tonumber(args[2])
  if expected >= 0 and expected < drawn then
    return { 'OK', tonumber(redis.call('LINDEX', order, expected)), expected, tonumber(m[5]), 0, -1 }
  end
  if expected > drawn then return { 'BAD_REQUEST', 'the next ball has index ' .. drawn } end
  if m[4] == '1' then return { 'WRONG_PHASE', 'paused' } end
  if drawn >= redis.call('LLEN', order) then return { 'WRONG_PHASE', 'every ball is drawn' } end
  local ball = tonumber(redis.call('LINDEX', order, drawn))
  redis.call('RPUSH', times, now)
  redis.call('HSET', game, 'drawn', drawn + 1)
  local rv = bump_rv(game)
  local pending = tonumber(m[8])
  local settle_at = -1
  if pending >= 0 then settle_at = window_close(times, pending, tonumber(m[9]), tonumber(m[10])) or -1 end
  refresh_ttl(redis.call('HGET', game, 'ttl'), times)
  return { 'OK', ball, drawn, rv, 1, settle_at }
end

-- KEYS: game. ARGV: owner, ttlMs. Takes or renews the auto-draw lease while auto-draw is
-- on; a new owner gets a higher fencing token. Returns { token, untilMs, autoMs }: token 0
-- while another owner holds it, or when auto-draw is off (autoMs 0) or the round is not running.
local function lease(keys, args)
  local game = keys[1]
  local m = redis.call('HMGET', game, 'lease_owner', 'lease_token', 'lease_until', 'phase', 'auto')
  local auto = tonumber(m[5] or '0')
  if m[4] ~= 'running' or auto == 0 then return { 0, 0, 0 } end
  local now = now_ms()
  local token = tonumber(m[2] or '0')
  if m[1] ~= args[1] and tonumber(m[3] or '0') > now then return { 0, tonumber(m[3]), auto } end
  if m[1] ~= args[1] then token = token + 1 end
  local until_ms = now + tonumber(args[2])
  redis.call('HSET', game, 'lease_owner', args[1], 'lease_token', token, 'lease_until', until_ms)
  return { token, until_ms, auto }
end

-- KEYS: game. ARGV: owner, token. Gives the lease up (auto-draw stopped).
local function release(keys, args)
  local m = redis.call('HMGET', keys[1], 'lease_owner', 'lease_token')
  if m[1] == args[1] and m[2] == args[2] then redis.call('HSET', keys[1], 'lease_until', 0) end
  return 1
end

-- KEYS: game. ARGV: host, op ('pause' | 'resume' | 'auto'), autoMs (for 'auto', 0 = off).
-- Returns { 'OK', rv, paused, autoMs }.
local function control(keys, args)
  local game = keys[1]
  local phase, err = host_phase(game, args[1])
  if not phase then return { err, '' } end
  if phase ~= 'running' then return { 'WRONG_PHASE', phase } end
  if args[2] == 'pause' then
    redis.call('HSET', game, 'paused', 1)
  elseif args[2] == 'resume' then
    redis.call('HSET', game, 'paused', 0)
  else
    redis.call('HSET', game, 'auto', tonumber(args[3]))
  end
  local rv = bump_rv(game)
  local m = redis.call('HMGET', game, 'paused', 'auto')
  return { 'OK', rv, tonumber(m[1]), tonumber(m[2]) }
end

-- KEYS: game, autoflags. ARGV: player, 0/1.
local function set_auto(keys, args)
  if redis.call('EXISTS', keys[1]) == 0 then return 0 end
  redis.call('HSET', keys[2], args[1], args[2])
  refresh_ttl(redis.call('HGET', keys[1], 'ttl'), keys[2])
  return 1
end

-- KEYS: game, cards, req, pend, autoflags, times.
-- ARGV per call: player, requestId, cardId, completions, auto. completions: for each
-- pattern of the game, the ball index on which the card completes it (from the seed's
-- full draw order), comma-separated; the one of the pattern in play counts. auto: 1 for
-- a call the server makes for an auto-claim player.
-- Returns { settleAt (-1: none), then per call: status, patternIndex, ballIndex }.
local function calls(keys, args)
  local game, cards_key, req_key, pend_key, auto_key, times = keys[1], keys[2], keys[3], keys[4], keys[5], keys[6]
  local m = redis.call('HMGET', game, 'phase', 'pattern', 'pending', 'since', 'grace', 'drawn', 'ttl')
  if not m[1] then return { -2 } end
  local running = m[1] == 'running'
  local pattern, pending, since = tonumber(m[2]), tonumber(m[3]), tonumber(m[4])
  local grace, drawn = tonumber(m[5]), tonumber(m[6])
  local now = now_ms()
  local reply = { -1 }
  local ranges, flags, new_requests = {}, {}, {}
  local pending_changed = false
  local function auto_off(player)
    if flags[player] == nil then flags[player] = redis.call('HGET', auto_key, player) or '1' end
    return flags[player] == '0'
  end

  for i = 1, #args, 5 do
    local player, card, auto = args[i], tonumber(args[i + 2]), args[i + 4] == '1'
    local j = tonumber(split(args[i + 3], ',')[pattern + 1] or '-1')
    local rkey = 'b' .. #player .. ':' .. player .. args[i + 1]
    local status, ball_index = CALL_OK, j
    local stored = (not auto) and (new_requests[rkey] or redis.call('HGET', req_key, rkey))
    if stored then
      local parts = split(stored, ':')
      reply[#reply + 1], reply[#reply + 2], reply[#reply + 3] = tonumber(parts[1]), tonumber(parts[2]), tonumber(parts[3])
    else
      if ranges[player] == nil then ranges[player] = redis.call('HGET', cards_key, player) or '' end
      if not running then
        status = CALL_WRONG_PHASE
      elseif not ranges_hold(ranges[player], card) then
        status = CALL_FORBIDDEN
      elseif auto and auto_off(player) then
        status = CALL_SKIPPED
      elseif j < 0 or j >= drawn then
        status = CALL_INVALID
      else
        local closes = window_close(times, j, since, grace)
        if closes and now >= closes then
          status = CALL_INVALID
        elseif pending >= 0 and j > pending then
          status = CALL_INVALID
        else
          if pending < 0 or j < pending then
            -- An earlier ball completed it: those calls share the prize, later ones do not.
            redis.call('DEL', pend_key)
            pending = j
            pending_changed = true
          end
          redis.call('HSET', pend_key, card, player)
        end
      end
      if status ~= CALL_OK then ball_index = -1 end
      reply[#reply + 1], reply[#reply + 2], reply[#reply + 3] = status, pattern, ball_index
      if not auto and status ~= CALL_SKIPPED then
        new_requests[rkey] = status .. ':' .. pattern .. ':' .. ball_index
      end
    end
  end

  if pending_changed then redis.call('HSET', game, 'pending', pending) end
  local fields = {}
  for rkey, value in pairs(new_requests) do
    fields[#fields + 1] = rkey
    fields[#fields + 1] = value
    if #fields >= 1000 then
      redis.call('HSET', req_key, unpack(fields))
      fields = {}
    end
  end
  if #fields > 0 then redis.call('HSET', req_key, unpack(fields)) end
  refresh_ttl(m[7], req_key, pend_key)
  if pending >= 0 then reply[1] = window_close(times, pending, since, grace) or -1 end
  return reply
end

-- Awards the pending pattern. Returns { 1, awardJson, rv, finished 0/1 } or { 0, settleAt }.
local function award(keys, force)
  local game, pend_key, awards_key, times = keys[1], keys[2], keys[3], keys[4]
  local m = redis.call('HMGET', game, 'phase', 'pattern', 'pending', 'since', 'grace', 'patterns', 'prizes', 'carry', 'ttl')
  if m[1] ~= 'running' then return { 0, -1 } end
  local pending = tonumber(m[3])
  if pending < 0 then return { 0, -1 } end
  local closes = window_close(times, pending, tonumber(m[4]), tonumber(m[5]))
  if not force and (not closes or now_ms() < closes) then return { 0, closes or -1 } end

  local flat = redis.call('HGETALL', pend_key)
  local winners = {}
  for i = 1, #flat, 2 do winners[#winners + 1] = { cardId = tonumber(flat[i]), playerId = flat[i + 1] } end
  table.sort(winners, function(a, b) return a.cardId < b.cardId end)
  local pattern = tonumber(m[2])
  local patterns, prizes = split(m[6], ','), split(m[7], ',')
  local pool = tonumber(prizes[pattern + 1]) + tonumber(m[8])
  local each = math.floor(pool / #winners)
  local remainder = pool - each * #winners
  local record = cjson.encode({ pattern = patterns[pattern + 1], ballIndex = pending, winners = winners,
    prizeEach = each, remainder = remainder })
  redis.call('RPUSH', awards_key, record)
  redis.call('DEL', pend_key)
  local finished = pattern + 1 >= #patterns
  redis.call('HSET', game, 'pattern', pattern + 1, 'pending', -1, 'carry', remainder, 'since', now_ms())
  if finished then redis.call('HSET', game, 'phase', 'finished') end
  local rv = bump_rv(game)
  refresh_ttl(m[9], awards_key)
  return { 1, record, rv, finished and 1 or 0 }
end

-- KEYS: game, pend, awards, times. ARGV: none. Makes the pending award once its window closed.
local function settle(keys, _args)
  return award(keys, false)
end

-- KEYS: game, pend, awards, times. ARGV: host. Awards a pending pattern at once, then
-- finishes the game. Returns { 'OK', rv, seed, awardedNow 0/1, awardsJson... }.
local function finish(keys, args)
  local game = keys[1]
  local phase, err = host_phase(game, args[1])
  if not phase then return { err, '' } end
  if phase == 'finished' then return { 'WRONG_PHASE', phase } end
  if phase == 'claiming' then redis.call('HINCRBY', game, 'version', 1) end
  local awarded = award(keys, true)[1]
  redis.call('HSET', game, 'phase', 'finished')
  local rv = bump_rv(game)
  local reply = { 'OK', rv, redis.call('HGET', game, 'seed'), awarded }
  for _, record in ipairs(redis.call('LRANGE', keys[3], 0, -1)) do reply[#reply + 1] = record end
  return reply
end

redis.register_function('bingo_start', start)
redis.register_function('bingo_draw', draw)
redis.register_function('bingo_lease', lease)
redis.register_function('bingo_release', release)
redis.register_function('bingo_control', control)
redis.register_function('bingo_set_auto', set_auto)
redis.register_function('bingo_calls', calls)
redis.register_function('bingo_settle', settle)
redis.register_function('bingo_finish', finish)
