-- Read the current epoch and sequence: the subscriber's periodic check that messages are
-- still arriving ([I10] in docs/correctness.md). It creates nothing, but for one case: a
-- hash held by another server incarnation (a promoted replica, a restart from an AOF or RDB
-- file) may have lost acknowledged invalidations, so a new epoch is started over it ([I12]),
-- within a check interval even if nothing else reaches Redis.
-- KEYS[1] seq hash, ARGV[1] the epoch to start over another incarnation's hash
-- (common.lua comes first.)
-- Returns {epoch, n, start}, with false for a missing field.
local s = redis.call('HMGET', KEYS[1], 'epoch', 'n', 'start', 'run')
local seen = number(s[2])
if s[1] and seen then
  local run = incarnation()
  if s[4] ~= run then
    local n = startEpoch(KEYS[1], ARGV[1], run, seen)
    return {ARGV[1], n, n}
  end
end
return {s[1], s[2], s[3]}
