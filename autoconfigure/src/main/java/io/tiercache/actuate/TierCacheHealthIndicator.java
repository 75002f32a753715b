package io.tiercache.actuate;

import java.util.List;
import java.util.regex.Pattern;

import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.redis.RedisTier;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.DistrustCause;
import io.tiercache.store.TieredStore;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of tiercache: {@code UP} when Redis answers and the invalidation subscription is
 * confirmed and no invalidation waits for Redis, {@code DOWN} otherwise (so Redis
 * refusing invalidations, for an ACL without {@code PUBLISH} or out of memory, shows).
 * Error messages in the details have the user information of any URL removed. Details:
 * the epoch, the last invalidation sequence this process applied and Redis's, the lag
 * between them, whether the local tier is trusted, the invalidations waiting for Redis,
 * and the server's version, with the Lua-engine vulnerabilities it is known to have. With
 * slot groups (Redis Cluster): their number, the lag summed over every group (read in one
 * round trip) and how many groups are behind, in place of the one group's epoch and
 * sequences, since each group numbers its invalidations from a start of its own.
 * <p>
 * tiercache keeps answering while it is {@code DOWN} (calls go to the method), so it is
 * not part of the readiness group unless the application adds it
 * ({@code management.endpoint.health.group.readiness.include=readinessState,tiercache}).
 *
 * @since 0.1.0
 */
public class TierCacheHealthIndicator extends AbstractHealthIndicator {

	private static final Pattern USER_INFO = Pattern.compile("://[^/@\\s]*@");

	private final RedisTier redis;

	private final TieredStore store;

	private final InvalidationSubscriber subscriber;

	public TierCacheHealthIndicator(TieredStore store, InvalidationSubscriber subscriber) {
		super("tiercache health check failed");
		this.redis = store.redis();
		this.store = store;
		this.subscriber = subscriber;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		LocalTrust trust = this.store.trust();
		boolean subscribed = !trust.distrusts(DistrustCause.UNSUBSCRIBED);
		builder.withDetail("localTrusted", trust.trusted())
			.withDetail("subscriptionConfirmed", subscribed)
			.withDetail("pendingInvalidations", this.store.pendingInvalidations());
		int groups = this.redis.keys().groups();
		if (!((groups > 1) ? groupedSequences(builder, groups) : sequence(builder, trust))) {
			return;
		}
		String version = this.subscriber.redisVersion();
		if (version != null) {
			builder.withDetail("redisVersion", version);
			List<String> advisories = this.subscriber.redisLuaAdvisories();
			if (!advisories.isEmpty()) {
				// Not a reason for DOWN: tiercache works, the server needs upgrading.
				builder.withDetail("redisLuaVulnerabilities", advisories);
			}
		}
		String layoutConflict = this.store.layout().conflict();
		if (layoutConflict != null) {
			builder.down().withDetail("layout", layoutConflict + ": nothing is cached");
		}
		else if (!subscribed) {
			builder.down().withDetail("subscription", "not confirmed: the local tier is bypassed");
		}
		else if (this.store.pendingInvalidations() > 0) {
			// Redis answers reads but refuses invalidations (out of memory, an ACL
			// without PUBLISH): other instances may serve what they invalidate
			builder.down()
				.withDetail("invalidations", "waiting for Redis: other instances may serve entries they invalidate");
		}
		else {
			builder.up();
		}
	}

	/**
	 * The one group's epoch and sequences.
	 * @return whether Redis answered; if not, the builder is {@code DOWN}
	 */
	private boolean sequence(Health.Builder builder, LocalTrust trust) {
		builder.withDetail("lastSequenceSeen", this.subscriber.lastSequence());
		RedisTier.SequenceState current;
		try {
			current = this.redis.currentSequence();
		}
		catch (RuntimeException ex) {
			builder.down().withDetail("redis", "unreachable: " + redact(ex.getMessage()));
			return false;
		}
		String epoch = (current != null) ? current.epoch() : trust.epoch();
		if (epoch != null) {
			builder.withDetail("epoch", epoch);
		}
		// No sequence in Redis yet (nothing loaded or invalidated since it started):
		// nothing missed
		builder.withDetail("redisSequence", (current != null) ? current.seq() : 0)
			.withDetail("lag", (current != null) ? this.subscriber.lag(current) : 0);
		return true;
	}

	/**
	 * The lag over every group, read in one round trip: the invalidations Redis numbered
	 * that this process has not received, summed, and how many groups they are in. Each
	 * group numbers its own, from its own start, so their sequences are not shown.
	 * @return whether Redis answered for every group; if not (a master down), the builder
	 * is {@code DOWN}
	 */
	private boolean groupedSequences(Health.Builder builder, int groups) {
		builder.withDetail("slotGroups", groups);
		List<RedisTier.@Nullable SequenceState> current;
		try {
			current = this.redis.currentSequences();
		}
		catch (RuntimeException ex) {
			builder.down().withDetail("redis", "unreachable: " + redact(ex.getMessage()));
			return false;
		}
		builder.withDetail("lag", this.subscriber.lag(current))
			.withDetail("groupsBehind", this.subscriber.groupsBehind(current));
		return true;
	}

	// A connection error may quote a URL; its user information is not for health
	// details
	private static String redact(@Nullable String message) {
		return (message != null) ? USER_INFO.matcher(message).replaceAll("://***@") : "";
	}

}
