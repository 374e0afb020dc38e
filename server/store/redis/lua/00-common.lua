#!lua name=bingo

-- Redis functions of the bingo server, one library built from the files of this folder
-- in name order. Every key of one game shares the hash tag {<gameId>}, so each call
-- touches a single cluster slot. MULTI has no rollback: every function decides all it
-- will do before its first write.
--
-- Game hash (KEYS[1] everywhere):
--   host title variant ttl                        fixed at creation
--   seed commitment patterns prizes grace rids    fixed at creation (seed stays secret until finished;
--   currency                                      rids: 'sub' | 'salted-hash', player ids in the record;
--                                                 currency: ISO 4217 code, absent in older games = EUR)
--   phase                                         lobby | claiming | running | finished
--   total remaining version max next              the claim window (version = slot version)
--   rv drawn paused auto                          the round: version, balls drawn, paused 0/1, auto-draw ms (0 = off)
--   pattern pending from carry                    pattern in play, ball index of the pending award (-1 none),
--                                                 last ball index drawn when it came into play (-1 none),
--                                                 remainder carried into its pool
--   next_game                                     the game its host started after this one finished
--   from_at first_at                              ms the pattern came into play; ms of its first valid
--                                                 call (-1 / absent: none yet), which bounds every window
--   lease_owner lease_token lease_until           who may auto-draw (fencing token)
-- Other keys: owned (player -> cards held), cards (player -> "first:count,..."),
--   req (request key -> first answer), order (list: balls in draw order),
--   times (list: ms each ball was drawn), pend (card -> player: calls of the pending award),
--   awards (list of JSON awards, with 'at' and 'drawn' for the record), autoflags (player -> 0/1),
--   called ("pattern:card" -> 1: cards whose call is logged), calls (list: the public record's
--   call log, one JSON entry per tick, ball and kind).

local function refresh_ttl(ttl, ...)
  for _, key in ipairs({ ... }) do
    redis.call('EXPIRE', key, ttl)
  end
end

-- Gives keys a player's request wrote the game's remaining lifetime: a new key then never
-- outlives the game, and an existing one is never extended. Only host actions and real
-- progress (grants, draws, awards) extend a game (refresh_ttl); a player who keeps sending
-- refused or repeated requests cannot keep it alive.
local function expire_with_game(game, ...)
  local left = redis.call('PTTL', game)
  if left <= 0 then return end
  for _, key in ipairs({ ... }) do
    redis.call('PEXPIRE', key, left)
  end
end

-- A game's push keys live as long as the game (its hash's expiry), so they never outlast
-- it; this is their lifetime only when the game has none (gone, or kept without expiry).
local PUSH_KEY_TTL_MS = 86400000

local function expire_with(game, key)
  local left = redis.call('PTTL', game)
  redis.call('PEXPIRE', key, left > 0 and left or PUSH_KEY_TTL_MS)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function split(text, sep)
  local out = {}
  if not text or text == '' then return out end
  for part in string.gmatch(text, '[^' .. sep .. ']+') do out[#out + 1] = part end
  return out
end

-- Checks that the game exists and belongs to the host; returns its phase or an error code.
local function host_phase(game, host)
  local meta = redis.call('HMGET', game, 'host', 'phase')
  if not meta[1] then return nil, 'NOT_FOUND' end
  if meta[1] ~= host then return nil, 'FORBIDDEN' end
  return meta[2]
end

-- "first:count,first:count" holds card?
local function ranges_hold(ranges, card)
  for _, range in ipairs(split(ranges, ',')) do
    local first, count = string.match(range, '(%d+):(%d+)')
    first, count = tonumber(first), tonumber(count)
    if card >= first and card < first + count then return true end
  end
  return false
end
