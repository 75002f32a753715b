-- Read an entry and, on a miss, prepare its load ([I2] and [I4] in docs/correctness.md) and
-- try to take the load lease, so that one process loads while the others wait for its entry.
-- KEYS[1] seq hash, KEYS[2] entry, KEYS[3] lease, KEYS[4..] tag keys known from the arguments
-- ARGV[1] epoch to create if the seq hash is missing, ARGV[2] TTL (ms) of tag keys created here,
-- ARGV[3] prefix of tag keys (for the tags listed inside the envelope), ARGV[4] lease TTL (ms),
-- or 0 for no lease, ARGV[5] lease token, ARGV[6] '1' to prepare a refresh without reading,
-- ARGV[7] the largest entry to return
-- (common.lua comes first.)
-- Returns {1, epoch, n, envelope, pttl} for a valid entry, otherwise
-- {0, epoch, n, 1 if the lease was taken else 0, remaining lease TTL (ms)}.

-- Envelope header: version, epoch, loadSeq, created, softExpiry, loadMillis, flags, tag count,
-- each field ended by a newline, then for each tag its byte length, a newline and its bytes.
local function valid(env, epoch, prefix)
  local size = string.len(env)
  local pos = 1
  local f = {}
  for i = 1, 8 do
    local nl = string.find(env, '\n', pos, true)
    if not nl then
      return false
    end
    f[i] = string.sub(env, pos, nl - 1)
    pos = nl + 1
  end
  if f[1] ~= '1' or f[2] ~= epoch then
    return false
  end
  local loadSeq = number(f[3])
  local count = number(f[8])
  -- Every length and count read from the entry is checked against its size before use, and
  -- each step moves forward: the parsing ends within the entry, whatever its bytes say.
  if not loadSeq or not count or count > size then
    return false
  end
  for i = 1, count do
    local nl = string.find(env, '\n', pos, true)
    if not nl then
      return false
    end
    local len = number(string.sub(env, pos, nl - 1))
    if not len or nl + len > size then
      return false
    end
    local tag = string.sub(env, nl + 1, nl + len)
    pos = nl + 1 + len
    local v = number(redis.call('GET', prefix .. tag))
    -- A missing tag key may have been evicted after an invalidation, and one that holds no
    -- number was not written by tiercache: either way the entry is dead.
    if not v or v > loadSeq then
      return false
    end
  end
  return true
end

local epoch, n = state(KEYS[1], ARGV[1])
if ARGV[6] ~= '1' then
  -- Measured before it is read: an entry larger than any this store writes is not tiercache's
  -- to serve, and reading it would cost every client of this Redis.
  -- (Of a key that holds no string, STRLEN answers an error: not tiercache's either.)
  local env = false
  local size = redis.pcall('STRLEN', KEYS[2])
  if type(size) ~= 'number' or size > tonumber(ARGV[7]) then
    redis.call('UNLINK', KEYS[2])
  elseif size > 0 then
    env = redis.call('GET', KEYS[2])
  end
  if env then
    if valid(env, epoch, ARGV[3]) then
      return {1, epoch, n, env, redis.call('PTTL', KEYS[2])}
    end
    redis.call('UNLINK', KEYS[2])
  end
end
for i = 4, #KEYS do
  redis.call('SET', KEYS[i], n, 'PX', ARGV[2], 'NX')
end
if ARGV[4] == '0' then
  return {0, epoch, n, 1, 0}
end
if redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4], 'NX') then
  return {0, epoch, n, 1, tonumber(ARGV[4])}
end
return {0, epoch, n, 0, redis.call('PTTL', KEYS[3])}
