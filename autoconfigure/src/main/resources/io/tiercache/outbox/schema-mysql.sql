-- The outbox of tiercache's invalidations (tiercache.outbox.enabled=true), for MySQL and
-- MariaDB (relayed with SKIP LOCKED from MySQL 8 and MariaDB 10.6, with a lease before).
-- Created by tiercache.outbox.initialize-schema, or take this script into your own
-- migrations (Flyway, Liquibase); with tiercache.outbox.table-name, rename TIERCACHE_OUTBOX.
-- Times are epoch milliseconds; TAGS is a JSON array of the invalidated tags.
CREATE TABLE IF NOT EXISTS TIERCACHE_OUTBOX (
	ID VARCHAR(36) NOT NULL,
	TAGS MEDIUMTEXT NOT NULL,
	CREATED_AT BIGINT NOT NULL,
	PUBLISHED_AT BIGINT,
	CLAIMED_UNTIL BIGINT,
	CONSTRAINT TIERCACHE_OUTBOX_PK PRIMARY KEY (ID),
	INDEX TIERCACHE_OUTBOX_IX1 (PUBLISHED_AT, CREATED_AT)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
