-- The outbox of tiercache's invalidations (tiercache.outbox.enabled=true), for H2 2.x.
-- Created by tiercache.outbox.initialize-schema, or take this script into your own
-- migrations (Flyway, Liquibase); with tiercache.outbox.table-name, rename TIERCACHE_OUTBOX.
-- Times are epoch milliseconds; TAGS is a JSON array of the invalidated tags.
CREATE TABLE IF NOT EXISTS TIERCACHE_OUTBOX (
	ID VARCHAR(36) NOT NULL,
	TAGS CHARACTER VARYING NOT NULL,
	CREATED_AT BIGINT NOT NULL,
	PUBLISHED_AT BIGINT,
	CLAIMED_UNTIL BIGINT,
	CONSTRAINT TIERCACHE_OUTBOX_PK PRIMARY KEY (ID)
);

CREATE INDEX IF NOT EXISTS TIERCACHE_OUTBOX_IX1 ON TIERCACHE_OUTBOX (PUBLISHED_AT, CREATED_AT);
