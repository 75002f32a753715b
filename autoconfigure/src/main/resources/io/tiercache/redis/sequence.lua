-- Read the current epoch and sequence without creating anything: the subscriber's periodic
-- check that messages are still arriving (DESIGN.md, Correctness rule 9).
-- KEYS[1] seq hash. Returns {epoch, n, start}, with false for a missing field.
return redis.call('HMGET', KEYS[1], 'epoch', 'n', 'start')
