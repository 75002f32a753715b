/**
 * A real Redis for tests: {@link io.tiercache.test.RedisServerExtension} for JUnit and
 * {@link io.tiercache.test.EmbeddedRedis} for anything else;
 * {@link io.tiercache.test.RedisProcess} for a server that persists and can be killed and
 * restarted from its files, {@link io.tiercache.test.EmbeddedSentinelGroup} for a master,
 * a replica and three Sentinels that fail over for real, and
 * {@link io.tiercache.test.EmbeddedRedisCluster} for a Redis Cluster that fails over,
 * migrates slots and restarts nodes for real.
 */
package io.tiercache.test;
