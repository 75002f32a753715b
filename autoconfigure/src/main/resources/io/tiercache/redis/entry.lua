-- The entry's side of a read when the invalidation state is split into slot groups: read
-- the entry, which the client validates against its groups' states, or take its load lease
-- ([I4] in docs/correctness.md), so that one process loads while the others wait.
-- KEYS[1] entry, KEYS[2] lease (in the entry's slot)
-- ARGV[1] 'read' to read the entry, taking the lease if there is none; 'lease' to remove an
-- entry found dead and take the lease; 'refresh' to take the lease only. ARGV[2] lease TTL
-- (ms), or 0 for no lease, ARGV[3] lease token, ARGV[4] the largest entry to return
-- Returns {1, envelope, pttl} for an entry, otherwise {0, 1 if the lease was taken else 0,
-- remaining lease TTL (ms)}.

if ARGV[1] == 'read' then
  -- Measured before it is read, as read.lua does: a larger entry is not tiercache's to serve.
  local size = redis.pcall('STRLEN', KEYS[1])
  if type(size) ~= 'number' or size > tonumber(ARGV[4]) then
    redis.call('UNLINK', KEYS[1])
  elseif size > 0 then
    return {1, redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}
  end
elseif ARGV[1] == 'lease' then
  redis.call('UNLINK', KEYS[1])
end
if ARGV[2] == '0' then
  return {0, 1, 0}
end
if redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2], 'NX') then
  return {0, 1, tonumber(ARGV[2])}
end
return {0, 0, redis.call('PTTL', KEYS[2])}
