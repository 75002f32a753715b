-- The state of one slot group for a read ([I2] and [I4] in docs/correctness.md), when the
-- invalidation state is split into groups: the group's epoch and sequence, and the records
-- of the tags asked for, against which the client validates the entry it read in the same
-- round trip. Before a load, the records of the tags known from the arguments are created.
-- KEYS[1] the group's seq hash, KEYS[2..] tag keys of the group
-- ARGV[1] epoch to create if the seq hash is missing, ARGV[2] TTL (ms) of tag records created
-- here, ARGV[3] '1' to create missing records, '0' to read only
-- (common.lua comes first.)
-- Returns {epoch, n, v...}: each tag record's number, or -1 if it was missing or held no
-- number (created now with n if asked: an entry loaded before cannot validate against it).

local epoch, n = state(KEYS[1], ARGV[1])
local reply = {epoch, n}
for i = 2, #KEYS do
  local v = number(redis.call('GET', KEYS[i]))
  if not v then
    if ARGV[3] == '1' then
      redis.call('SET', KEYS[i], n, 'PX', ARGV[2])
    end
    v = -1
  end
  reply[#reply + 1] = v
end
return reply
