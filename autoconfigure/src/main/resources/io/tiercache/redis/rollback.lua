-- Start a new epoch because the sequence went backwards within this one: Redis lost
-- acknowledged invalidations (a failover to a replica that had not received them, a restart
-- from an older snapshot), so entries they killed could validate again ([I12] in
-- docs/correctness.md). Conditional, so that processes noticing it together start one epoch.
-- KEYS[1] seq hash
-- ARGV[1] the epoch in which the sequence went backwards, ARGV[2] the highest sequence seen in
-- it, ARGV[3] the new epoch's id
-- (common.lua comes first.)
-- Returns {epoch, n} as they are afterwards.

local s = redis.call('HMGET', KEYS[1], 'epoch', 'n')
if s[1] == ARGV[1] and number(s[2]) and tonumber(s[2]) < tonumber(ARGV[2]) then
  -- As a new epoch always does, start at the server's clock in milliseconds, and never below
  -- a sequence any tag record may hold.
  local n = startEpoch(KEYS[1], ARGV[3], incarnation(), tonumber(ARGV[2]))
  return {ARGV[3], n}
end
return {s[1] or '', s[2] or '0'}
