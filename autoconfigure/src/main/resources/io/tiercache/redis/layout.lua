-- Record the layout of a namespace's keys, or read the one recorded: every process of a
-- namespace must split the invalidation state into the same slot groups, or their
-- invalidations go to keys and channels the others never read (docs/cluster.md).
-- KEYS[1] the namespace's layout key, ARGV[1] this process's layout.
-- Returns {the recorded layout}.
local recorded = redis.call('GET', KEYS[1])
if recorded then
  return {recorded}
end
redis.call('SET', KEYS[1], ARGV[1])
return {ARGV[1]}
