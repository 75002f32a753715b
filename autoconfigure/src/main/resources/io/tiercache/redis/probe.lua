-- Publish a probe on the invalidation channel; the sender confirms its subscription when the
-- probe comes back to it.
-- ARGV[1] channel, ARGV[2] probe message. Returns {receivers}.
return {redis.call('PUBLISH', ARGV[1], ARGV[2])}
