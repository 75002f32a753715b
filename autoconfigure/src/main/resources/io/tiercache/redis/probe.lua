-- Publish a probe on the invalidation channel; the sender confirms its subscription when the
-- probe comes back to it.
-- KEYS[1] seq hash, not touched: on Redis Cluster it routes the script to the node of the
-- channel's slot, which SPUBLISH needs.
-- ARGV[1] channel, ARGV[2] probe message, ARGV[3] the publish command (PUBLISH or SPUBLISH).
-- Returns {receivers}.
return {redis.call(ARGV[3], ARGV[1], ARGV[2])}
