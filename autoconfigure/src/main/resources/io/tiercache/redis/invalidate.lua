-- Invalidate tags ([I1] in docs/correctness.md): one sequence number for all of them, and the
-- publish in the same atomic step, so messages leave in sequence order.
-- KEYS[1] seq hash, KEYS[2..] tag keys
-- ARGV[1] epoch to create if the seq hash is missing, ARGV[2] TTL (ms) of tag keys (max-ttl),
-- ARGV[3] channel, ARGV[4] origin instance id, ARGV[5] publish time (epoch microseconds),
-- ARGV[6] the publish command: PUBLISH, or SPUBLISH on Redis Cluster (the channel is in the
-- slot of KEYS[1], so its shard's nodes alone carry the message), ARGV[7..] tag names, in the
-- order of KEYS[2..]
-- The message also carries the epoch's first sequence number (b), so that a subscriber meeting
-- the epoch for the first time knows which messages to expect.
-- (common.lua comes first.)
-- Returns {epoch, n}.

local s = redis.call('HMGET', KEYS[1], 'epoch', 'n', 'start', 'run')
local epoch = s[1]
local start = s[3]
local run = incarnation()
-- A missing hash, one that holds no number under 'n' (not written by tiercache, and HINCRBY
-- below could fail) or one held by another server incarnation ([I12]: it may have lost
-- acknowledged invalidations) gets a new epoch first.
local seen = number(s[2])
if not (s[1] and seen and s[4] == run) then
  epoch = ARGV[1]
  start = startEpoch(KEYS[1], epoch, run, seen)
end
local n = string.format('%d', redis.call('HINCRBY', KEYS[1], 'n', 1))
local tags = {}
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], n, 'PX', ARGV[2])
  tags[#tags + 1] = ARGV[i + 5]
end
redis.call(ARGV[6], ARGV[3], cjson.encode({v = 1, e = epoch, b = start or '0', s = n, o = ARGV[4], t = ARGV[5], g = tags}))
return {epoch, n}
