package io.tiercache.sample;

import java.util.List;
import java.util.Optional;

import io.tiercache.annotation.Cached;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.data.repository.Repository;

/**
 * Categories, read-only here: they change by migration, which runs before any instance
 * caches them; {@code categories} is the tag to invalidate (from the {@code tiercache}
 * endpoint) when one is edited by hand. ({@code @Cacheable} is for the
 * {@code spring-cache} profile only, as in {@link ProductRepository}.)
 */
public interface CategoryRepository extends Repository<Category, String> {

	@Cacheable("categories")
	@Cached(name = "categories", ttl = "1h", tags = "'categories'")
	List<Category> findAllByOrderById();

	@Cacheable(cacheNames = "category", key = "#id")
	@Cached(name = "category", ttl = "1h", tags = "'categories'")
	Optional<Category> findById(String id);

}
