-- Release a load lease, only if the caller still holds it (its load failed).
-- KEYS[1] lease, ARGV[1] token. Returns {1} if released, {0} otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {1}
end
return {0}
