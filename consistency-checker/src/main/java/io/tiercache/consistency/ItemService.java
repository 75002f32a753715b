package io.tiercache.consistency;

import java.util.List;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.annotation.Transactional;

/**
 * The application under test: two cached reads over a real database and one write that
 * invalidates by tag. The list read takes its item tags from its result, so a write of
 * any item it holds must make it stale, exactly as it makes the single read stale.
 */
public class ItemService {

	private static final RowMapper<Item> ITEM = (rs, rowNum) -> new Item(rs.getLong("id"), rs.getInt("bucket"),
			rs.getLong("version"));

	private final JdbcTemplate jdbc;

	public ItemService(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Cached(name = "items", ttl = "10m", tags = "'item:' + #id")
	public Item get(long id) {
		return this.jdbc.queryForObject("SELECT id, bucket, version FROM item WHERE id = ?", ITEM, id);
	}

	@Cached(name = "buckets", ttl = "10m", tags = { "'bucket:' + #bucket", "#result.![ 'item:' + id ]" })
	public List<Item> bucket(int bucket) {
		return this.jdbc.query("SELECT id, bucket, version FROM item WHERE bucket = ? ORDER BY id", ITEM, bucket);
	}

	/**
	 * Increment an item's version; the invalidation runs once the transaction has
	 * committed.
	 * @param id the item
	 * @return the version this write created
	 */
	@Transactional
	@InvalidatesTags({ "'item:' + #id" })
	public long increment(long id) {
		this.jdbc.update("UPDATE item SET version = version + 1 WHERE id = ?", id);
		Long version = this.jdbc.queryForObject("SELECT version FROM item WHERE id = ?", Long.class, id);
		if (version == null) {
			throw new IllegalStateException("No item " + id);
		}
		return version;
	}

}
