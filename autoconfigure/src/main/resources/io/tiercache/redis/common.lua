-- Shared by the scripts that read or start an epoch; prepended to each of them.

-- A decimal number of at most 15 digits, or nil: what the scripts store is exactly that,
-- and anything else under tiercache's keys was not written by them.
local function number(text)
  if type(text) == 'string' and string.len(text) <= 15 and string.match(text, '^%d+$') then
    return tonumber(text)
  end
  return nil
end

-- The server incarnation ([I12] in docs/correctness.md): the run_id a Redis process draws
-- when it starts. A promoted replica, or a server restarted from its AOF or RDB file, has
-- a run_id of its own, unlike the records it holds, which name the incarnation that began
-- their epoch (scripts replicate by their effects, so a replica stores the master's).
local function incarnation()
  return string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
end

-- Start a new epoch: its sequence begins at the server's clock in milliseconds, and never
-- below floor (the old epoch's sequence, which tag records may hold), so that surviving
-- tag records cost no extra misses. Entries of the old epoch are dead from now on.
-- Returns the new epoch's first sequence number.
local function startEpoch(seq, epoch, run, floor)
  local t = redis.call('TIME')
  local n = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))
  if floor and tonumber(n) <= floor then
    n = string.format('%d', floor)
  end
  -- 'start' lets a subscriber that first meets this epoch expect every message after it.
  redis.call('HSET', seq, 'epoch', epoch, 'n', n, 'start', n, 'run', run)
  return n
end

-- The epoch and sequence to read under. A missing hash, one that is not tiercache's (no
-- number), or one held by another server incarnation starts a new epoch, in which every
-- entry written before is dead: the last one because the records it holds may have lost
-- acknowledged invalidations ([I12] in docs/correctness.md). The new epoch's hash names
-- this incarnation, so processes noticing it together start one epoch.
local function state(seq, candidate)
  local s = redis.call('HMGET', seq, 'epoch', 'n', 'run')
  local run = incarnation()
  local n = number(s[2])
  if s[1] and n and s[3] == run then
    return s[1], s[2]
  end
  return candidate, startEpoch(seq, candidate, run, n)
end

-- Whether no tag record from KEYS[first] on was invalidated after loadSeq ([I3] in
-- docs/correctness.md), keeping each record at least ttl ms when so. A record that is
-- missing or not a number (the tag first appears in a result, or its record was lost or
-- not written by tiercache) counts as invalidated at n, the sequence now: the entry
-- survives only if nothing was invalidated since its load began.
local function unchangedSince(first, loadSeq, n, ttl)
  for i = first, #KEYS do
    local v = number(redis.call('GET', KEYS[i]))
    if not v then
      redis.call('SET', KEYS[i], n, 'PX', ttl)
      v = tonumber(n)
    end
    if v > loadSeq then
      return false
    end
  end
  for i = first, #KEYS do
    redis.call('PEXPIRE', KEYS[i], ttl, 'GT')
  end
  return true
end
