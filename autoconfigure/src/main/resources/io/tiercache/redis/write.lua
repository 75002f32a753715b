-- Store an entry only if it is valid now ([I3] in docs/correctness.md), and release the
-- load lease if this load holds it.
-- KEYS[1] seq hash, KEYS[2] entry, KEYS[3] lease, KEYS[4..] keys of all the entry's tags
-- ARGV[1] epoch of the load, ARGV[2] loadSeq, ARGV[3] entry TTL (ms), ARGV[4] envelope,
-- ARGV[5] lease token
-- (common.lua comes first.)
-- Returns 1 if stored, 0 if the entry was already invalid (a load that raced an invalidation).

if redis.call('GET', KEYS[3]) == ARGV[5] then
  redis.call('DEL', KEYS[3])
end
-- An epoch held by another server incarnation is over ([I12] in docs/correctness.md): the
-- next read starts the new one.
local s = redis.call('HMGET', KEYS[1], 'epoch', 'n', 'run')
if s[1] ~= ARGV[1] or not number(s[2]) or s[3] ~= incarnation() then
  return 0
end
if not unchangedSince(4, tonumber(ARGV[2]), s[2], ARGV[3]) then
  return 0
end
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[3])
return 1
