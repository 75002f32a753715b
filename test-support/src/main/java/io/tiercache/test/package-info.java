/**
 * A real Redis for tests: {@link io.tiercache.test.RedisServerExtension} for JUnit and
 * {@link io.tiercache.test.EmbeddedRedis} for anything else.
 */
package io.tiercache.test;
