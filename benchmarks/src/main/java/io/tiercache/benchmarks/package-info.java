/**
 * JMH benchmarks of tiercache side by side with what a user would pick instead. Each
 * benchmark method starts its own Spring Boot context (no web server) against an embedded
 * Redis, so the alternatives are measured through the same proxies, connection factory
 * and serializers an application would use. See {@code benchmarks/README.md} for how to
 * run them.
 */
@NullMarked
package io.tiercache.benchmarks;

import org.jspecify.annotations.NullMarked;
