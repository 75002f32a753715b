package io.tiercache.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * One load per key in this process: concurrent misses of a key share the first caller's
 * flight (its result or its exception), but only if no invalidation was applied here
 * between the flight's start and theirs ([I11] in {@code docs/correctness.md}); otherwise
 * what the flight read may predate a write they must see, and they load by themselves. No
 * caller waits for a flight longer than the lease's maximum wait. Only loads that may be
 * {@linkplain CacheLoad#shared() shared} come here: what one caller gets is then what any
 * other caller of the key would have loaded.
 */
final class SingleFlight {

	/** Starts the load a flight shares. */
	@FunctionalInterface
	interface Leader {

		CompletableFuture<@Nullable Object> lead() throws Throwable;

	}

	private final ConcurrentMap<Object, Flight> flights = new ConcurrentHashMap<>();

	private final long maxWaitNanos;

	private final CacheObserver observer;

	SingleFlight(Duration maxWait, CacheObserver observer) {
		this.maxWaitNanos = maxWait.toNanos();
		this.observer = observer;
	}

	/**
	 * Lead a flight of a key, or join the one in progress.
	 * @param key the key
	 * @param version the local trust's version when this caller started
	 * @param async whether the caller takes a future rather than waiting
	 * @param leader starts this caller's own load
	 * @return the value's future
	 */
	CompletableFuture<@Nullable Object> fetch(Object key, long version, boolean async, Leader leader) {
		Flight flight = new Flight(version);
		Flight existing = this.flights.putIfAbsent(key, flight);
		if (existing != null) {
			return join(existing, version, async, leader);
		}
		CompletableFuture<@Nullable Object> result = run(leader);
		result.whenComplete((value, ex) -> {
			this.flights.remove(key, flight);
			if (ex != null) {
				flight.future.completeExceptionally(Futures.unwrap(ex));
			}
			else {
				flight.future.complete(value);
			}
		});
		return result;
	}

	private CompletableFuture<@Nullable Object> join(Flight existing, long version, boolean async, Leader leader) {
		if (existing.version != version) {
			return run(leader);
		}
		if (async) {
			return existing.future.handle((value, ex) -> {
				this.observer.coalesced(false);
				return (ex != null) ? CompletableFuture.<@Nullable Object>failedFuture(Futures.unwrap(ex))
						: CompletableFuture.<@Nullable Object>completedFuture(value);
			}).thenCompose((future) -> future);
		}
		try {
			Object value = existing.future.get(this.maxWaitNanos, TimeUnit.NANOSECONDS);
			this.observer.coalesced(false);
			return CompletableFuture.completedFuture(value);
		}
		catch (ExecutionException ex) {
			this.observer.coalesced(false);
			return CompletableFuture.failedFuture(Futures.unwrap(ex));
		}
		catch (TimeoutException ex) {
			// The flight outlasts the bound every caller is promised: load without it.
			return run(leader);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static CompletableFuture<@Nullable Object> run(Leader leader) {
		try {
			return leader.lead();
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** A load in progress, which concurrent misses of the same key may share. */
	private static final class Flight {

		final long version;

		final CompletableFuture<@Nullable Object> future = new CompletableFuture<>();

		Flight(long version) {
			this.version = version;
		}

	}

}
