-- Read the current epoch and sequence without creating anything: the subscriber's periodic
-- check that messages are still arriving ([I10] in docs/correctness.md).
-- KEYS[1] seq hash. Returns {epoch, n, start}, with false for a missing field.
return redis.call('HMGET', KEYS[1], 'epoch', 'n', 'start')
