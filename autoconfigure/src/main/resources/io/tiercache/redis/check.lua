-- One slot group's side of a write ([I3] in docs/correctness.md): whether nothing of the
-- group that the entry depends on was invalidated since its load began; the entry is stored
-- only if every group of its tags says so. Records of tags that first appear in the result,
-- or were lost, are created, and every record is kept at least as long as the entry.
-- KEYS[1] the group's seq hash, KEYS[2..] the entry's tag keys of this group
-- ARGV[1] the group's epoch at the load ('' if the process knew none), ARGV[2] the group's
-- sequence at the load, ARGV[3] entry TTL (ms), ARGV[4] an epoch to start if the group has
-- none
-- (common.lua comes first.)
-- Returns {1 if still valid else 0, epoch, n} as the group is now.

local s = redis.call('HMGET', KEYS[1], 'epoch', 'n', 'run')
if s[1] ~= ARGV[1] or not number(s[2]) or s[3] ~= incarnation() then
  -- Refused: the load began in another epoch, or the process knew none of the group (its
  -- tags came only from the result). The reply teaches it the group's epoch and number,
  -- starting them if the group has none yet, so that its next write of the group passes.
  local epoch, n = state(KEYS[1], ARGV[4])
  return {0, epoch, n}
end
if not unchangedSince(2, tonumber(ARGV[2]), s[2], ARGV[3]) then
  return {0, s[1], s[2]}
end
return {1, s[1], s[2]}
