-- The entry's side of a write when the invalidation state is split into slot groups: store
-- an entry every group found valid ([I3] in docs/correctness.md), and release the load lease
-- if this load holds it.
-- KEYS[1] entry, KEYS[2] lease
-- ARGV[1] lease token, ARGV[2] entry TTL (ms), ARGV[3] envelope, or '' to release the lease only
-- Returns {1}.

if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
end
return {1}
