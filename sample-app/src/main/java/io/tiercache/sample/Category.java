package io.tiercache.sample;

import java.io.Serializable;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A category of the catalog, such as {@code coffee}.
 *
 * Serializable only for Spring's {@code RedisCacheManager} of the {@code spring-cache}
 * profile, which stores values with Java serialization; tiercache stores JSON.
 *
 * @param id the identifier, a short lower-case name used in URLs and tags
 * @param name the display name
 */
@Table
public record Category(@Id String id, String name) implements Serializable {

}
