-- The round: start, draws, the auto-draw lease, pause/resume/auto, bingo calls, awards, end.
--
-- Fair winners (docs/fairness.md, "The round: draws, calls and fair winners"). A pattern comes into
-- play at round start or when the previous one is awarded; 'from' is then the index of the
-- last ball drawn (-1: none). A card completes the pattern in play on ball
--   j = max(the ball on which its numbers complete it, from)
-- so a card already complete when its pattern comes into play counts as completing on the
-- ball at which it came into play, and awards never go back in the draw. Ball j's claim
-- window is open until grace ms after ball j+1 is drawn (ball j+1 is always drawn after the
-- pattern came into play); the game's last ball has no next one, so its window closes grace
-- ms after the later of its draw and the moment the pattern came into play ('from_at').
-- Every window of the pattern also closes no later than grace ms after its first valid call
-- ('first_at'), so an award never waits longer than that for a host's next ball.
-- A call is valid when its card completes the pattern in play on
-- a drawn ball j whose window is open; it is answered OK with j whatever else is pending.
-- The pending award keeps the smallest such j; every valid call for that j shares the
-- prize; the award is made once that window has closed (bingo_settle), whichever node
-- asks first. The first accepted call of each card for each pattern goes into the public
-- record's call log (list 'calls', one JSON entry per tick, ball and kind).

local CALL_OK, CALL_INVALID, CALL_FORBIDDEN, CALL_WRONG_PHASE, CALL_SKIPPED = 0, 1, 2, 3, 4

-- ms at which ball index j's window closes, or nil while it is open with no end yet. Never
-- later than grace after the pattern's first valid call ('first_at'; calls up to and
-- including that ms count), so no award waits for a next ball a host drawing by hand has
-- not drawn.
local function window_close(game, times_key, j, grace)
  local closes = nil
  local next_draw = redis.call('LINDEX', times_key, j + 1)
  local m = redis.call('HMGET', game, 'variant', 'from_at', 'first_at')
  if next_draw then
    closes = tonumber(next_draw) + grace
  elseif j + 1 >= tonumber(m[1]) then
    -- The variant is the number of balls: no ball follows the last one.
    closes = math.max(tonumber(redis.call('LINDEX', times_key, j)), tonumber(m[2] or '0')) + grace
  end
  local first = tonumber(m[3] or '-1')
  if first >= 0 and (not closes or first + grace + 1 < closes) then closes = first + grace + 1 end
  return closes
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
  redis.call('HSET', game, 'phase', 'running', 'from', -1, 'from_at', now_ms(), 'pattern', 0, 'pending', -1, 'first_at', -1)
  local rv = bump_rv(game)
  local s = redis.call('HMGET', game, 'total', 'remaining', 'version')
  return { 'OK', rv, tonumber(s[1]), tonumber(s[2]), tonumber(s[3]) }
end

-- KEYS: game, order, times. ARGV: host, expectedIndex (-1: any), leaseToken (0: a host's draw).
-- Returns { 'OK', ball, index, rv, drewNow 0/1, settleAt (-1: none due) } or { errorCode, detail }.
local function draw(keys, args)
  local game, order, times = keys[1], keys[2], keys[3]
  local m = redis.call('HMGET', game, 'host', 'phase', 'drawn', 'paused', 'rv', 'lease_token', 'lease_until',
    'pending', 'grace')
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
  if drawn >= redis.call('LLEN', order) then return { 'WRONG_PHASE', 'all-drawn' } end
  local ball = tonumber(redis.call('LINDEX', order, drawn))
  redis.call('RPUSH', times, now)
  redis.call('HSET', game, 'drawn', drawn + 1)
  local rv = bump_rv(game)
  local pending = tonumber(m[8])
  local settle_at = -1
  if pending >= 0 then settle_at = window_close(game, times, pending, tonumber(m[9])) or -1 end
  -- A draw is progress (by the host or its auto-draw): the game lives on.
  refresh_ttl(redis.call('HGET', game, 'ttl'), game, order, times)
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
  -- A player's choice never extends the game.
  expire_with_game(keys[1], keys[2])
  return 1
end

-- KEYS: game, cards, req, pend, autoflags, times, called, calls.
-- ARGV per call: player, requestId, cardId, completions, auto. completions: for each
-- pattern of the game, the ball index on which the card completes it (from the seed's
-- full draw order), comma-separated; the one of the pattern in play counts. auto: 1 for
-- a call the server makes for an auto-claim player.
-- Returns { settleAt (-1: none), then per call: status, patternIndex, ballIndex }.
local function calls(keys, args)
  local game, cards_key, req_key, pend_key, auto_key, times = keys[1], keys[2], keys[3], keys[4], keys[5], keys[6]
  local called_key, log_key = keys[7], keys[8]
  local m = redis.call('HMGET', game, 'phase', 'pattern', 'pending', 'from', 'grace', 'drawn')
  if not m[1] then return { -2 } end
  local running = m[1] == 'running'
  -- A game created before 'from' existed (a rolling upgrade) plays as if no pattern came into play late.
  local pattern, pending, from = tonumber(m[2]), tonumber(m[3]), tonumber(m[4]) or -1
  local grace, drawn = tonumber(m[5]), tonumber(m[6])
  local now = now_ms()
  local reply = { -1 }
  local ranges, flags, new_requests = {}, {}, {}
  -- This tick's log entries: one per (ball, auto), in order of first appearance.
  local groups, group_list = {}, {}
  local pending_changed = false
  local first_set = false
  local wrote = false
  local function auto_off(player)
    if flags[player] == nil then flags[player] = redis.call('HGET', auto_key, player) or '1' end
    return flags[player] == '0'
  end
  -- Logs the first valid call of a card for the pattern in play; true when it was the first.
  local function log_call(j, auto, card, player)
    if redis.call('HSETNX', called_key, pattern .. ':' .. card, 1) == 0 then return false end
    local gkey = j .. (auto and 'a' or 'm')
    local group = groups[gkey]
    if not group then
      group = { at = now, pattern = pattern, ballIndex = j, auto = auto, cards = {} }
      groups[gkey] = group
      group_list[#group_list + 1] = group
    end
    group.cards[#group.cards + 1] = { cardId = card, playerId = player }
    return true
  end

  for i = 1, #args, 5 do
    local player, card, auto = args[i], tonumber(args[i + 2]), args[i + 4] == '1'
    local j = tonumber(split(args[i + 3], ',')[pattern + 1] or '-1')
    local rkey = 'b' .. #player .. ':' .. player .. args[i + 1]
    local status = CALL_OK
    local fresh = false
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
        -- Complete before the pattern came into play: counts on the ball it came into play.
        j = math.max(j, from)
        local closes = window_close(game, times, j, grace)
        if closes and now >= closes then
          status = CALL_INVALID
        else
          if not first_set and tonumber(redis.call('HGET', game, 'first_at') or '-1') < 0 then
            -- The pattern's first valid call: every window now closes at most grace after it.
            redis.call('HSET', game, 'first_at', now)
          end
          first_set = true
          if pending < 0 or j < pending then
            -- An earlier ball completed it: those calls share the prize, later ones do not.
            redis.call('DEL', pend_key)
            pending = j
            pending_changed = true
          end
          -- A valid call on a later ball than the pending one is answered OK all the same.
          if j == pending then redis.call('HSET', pend_key, card, player) end
          fresh = log_call(j, auto, card, player)
          wrote = true
        end
      end
      local ball_index = status == CALL_OK and j or -1
      reply[#reply + 1], reply[#reply + 2], reply[#reply + 3] = status, pattern, ball_index
      -- Only the first valid call of a card for a pattern is stored: refusals and repeats
      -- of a card already called write nothing (a retry is decided afresh), so a player's
      -- calls cannot grow the records without bound.
      if not auto and fresh then
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
  if #group_list > 0 then
    local entries = {}
    for k, group in ipairs(group_list) do entries[k] = cjson.encode(group) end
    redis.call('RPUSH', log_key, unpack(entries))
  end
  -- Calls never extend the game (a player could keep it alive for ever): what they wrote
  -- lives as long as the game does.
  if wrote then expire_with_game(game, req_key, pend_key, called_key, log_key) end
  if pending >= 0 then reply[1] = window_close(game, times, pending, grace) or -1 end
  return reply
end

-- Awards the pending pattern. Returns { 1, awardJson, rv, finished 0/1 } or { 0, settleAt }.
-- The stored award also holds 'at' (store ms) and 'drawn' (balls drawn then) for the record.
local function award(keys, force)
  local game, pend_key, awards_key, times = keys[1], keys[2], keys[3], keys[4]
  local m = redis.call('HMGET', game, 'phase', 'pattern', 'pending', 'drawn', 'grace', 'patterns', 'prizes', 'carry', 'ttl')
  if m[1] ~= 'running' then return { 0, -1 } end
  local pending = tonumber(m[3])
  if pending < 0 then return { 0, -1 } end
  local closes = window_close(game, times, pending, tonumber(m[5]))
  local now = now_ms()
  if not force and (not closes or now < closes) then return { 0, closes or -1 } end

  local flat = redis.call('HGETALL', pend_key)
  local winners = {}
  for i = 1, #flat, 2 do winners[#winners + 1] = { cardId = tonumber(flat[i]), playerId = flat[i + 1] } end
  table.sort(winners, function(a, b) return a.cardId < b.cardId end)
  -- KEYS[5], names: each winner's display name as it is now goes with the award (names.lua).
  if keys[5] and #winners > 0 then
    local ids = {}
    for i = 1, #winners do ids[i] = winners[i].playerId end
    local names = redis.call('HMGET', keys[5], unpack(ids))
    for i = 1, #winners do
      if names[i] then winners[i].name = names[i] end
    end
  end
  local pattern = tonumber(m[2])
  local drawn = tonumber(m[4])
  local patterns, prizes = split(m[6], ','), split(m[7], ',')
  local pool = tonumber(prizes[pattern + 1]) + tonumber(m[8])
  local each = math.floor(pool / #winners)
  local remainder = pool - each * #winners
  local record = cjson.encode({ pattern = patterns[pattern + 1], ballIndex = pending, winners = winners,
    prizeEach = each, remainder = remainder, at = now, drawn = drawn })
  redis.call('RPUSH', awards_key, record)
  redis.call('DEL', pend_key)
  local finished = pattern + 1 >= #patterns
  -- The next pattern comes into play now: cards already complete count on the last ball drawn.
  redis.call('HSET', game, 'pattern', pattern + 1, 'pending', -1, 'carry', remainder, 'from', drawn - 1, 'from_at', now,
    'first_at', -1)
  if finished then redis.call('HSET', game, 'phase', 'finished') end
  local rv = bump_rv(game)
  refresh_ttl(m[9], awards_key)
  return { 1, record, rv, finished and 1 or 0 }
end

-- KEYS: game, pend, awards, times, names. ARGV: none. Makes the pending award once its window closed.
local function settle(keys, _args)
  return award(keys, false)
end

-- KEYS: game, pend, awards, times, names. ARGV: host. Awards a pending pattern at once, then
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
