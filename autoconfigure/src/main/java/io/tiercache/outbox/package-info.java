/**
 * The transactional outbox of invalidations, over JDBC: each invalidation made inside a
 * transaction is written to a table in that transaction
 * ({@link io.tiercache.outbox.JdbcInvalidationOutbox}, the store's
 * {@link io.tiercache.store.InvalidationOutbox}), and a relay in every process
 * ({@link io.tiercache.outbox.OutboxRelay}) publishes the rows that their writer did not
 * mark published soon after the commit. Of tiercache's packages it may use only
 * {@code io.tiercache.store}; only the auto-configuration and the meters use it.
 */
@NullMarked
package io.tiercache.outbox;

import org.jspecify.annotations.NullMarked;
