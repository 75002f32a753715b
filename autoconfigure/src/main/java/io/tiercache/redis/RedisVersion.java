package io.tiercache.redis;

import java.util.Comparator;

import org.jspecify.annotations.Nullable;

/**
 * A Redis server version as {@code INFO server} reports it in {@code redis_version}, such
 * as {@code 7.0.15}: its release line is its major and minor number.
 *
 * @param major the major number
 * @param minor the minor number
 * @param patch the patch number
 * @since 0.1.0
 */
public record RedisVersion(int major, int minor, int patch) implements Comparable<RedisVersion> {

	private static final Comparator<RedisVersion> ORDER = Comparator.comparingInt(RedisVersion::major)
		.thenComparingInt(RedisVersion::minor)
		.thenComparingInt(RedisVersion::patch);

	/**
	 * Parse a version: up to three dot-separated numbers, anything after the last digit
	 * of the last one (a {@code -rc1}) ignored.
	 * @param text the version, such as {@code 7.0.15}
	 * @return the version, or {@code null} if the text does not start with a number
	 */
	public static @Nullable RedisVersion parse(String text) {
		int[] parts = new int[3];
		int part = 0;
		int digits = 0;
		for (int i = 0; i < text.length() && part < 3; i++) {
			char c = text.charAt(i);
			if (c >= '0' && c <= '9') {
				if (digits == 9) {
					return null;
				}
				parts[part] = parts[part] * 10 + (c - '0');
				digits++;
			}
			else if (c == '.' && digits > 0) {
				part++;
				digits = 0;
			}
			else {
				break;
			}
		}
		if (part == 0 && digits == 0) {
			return null;
		}
		return new RedisVersion(parts[0], parts[1], parts[2]);
	}

	/**
	 * Whether another version is of the same release line ({@code 7.2.x}).
	 * @param other the other version
	 * @return whether their major and minor numbers are equal
	 */
	public boolean sameLine(RedisVersion other) {
		return this.major == other.major && this.minor == other.minor;
	}

	@Override
	public int compareTo(RedisVersion other) {
		return ORDER.compare(this, other);
	}

	@Override
	public String toString() {
		return this.major + "." + this.minor + "." + this.patch;
	}

}
