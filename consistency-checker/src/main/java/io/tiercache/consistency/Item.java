package io.tiercache.consistency;

/**
 * A row of the {@code item} table. Immutable, since the local tier hands the same object
 * to every caller.
 *
 * @param id the item's id
 * @param bucket the bucket it belongs to (never changes), read as a list by
 * {@link ItemService#bucket(int)}
 * @param version incremented by every write, so a read tells exactly which write it saw
 */
public record Item(long id, int bucket, long version) {

}
