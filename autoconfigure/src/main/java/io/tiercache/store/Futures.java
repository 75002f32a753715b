package io.tiercache.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Runs loads as futures, so that plain and {@link CompletableFuture} methods share one
 * path.
 */
final class Futures {

	private Futures() {
	}

	/**
	 * Run a load.
	 * @param load the load
	 * @param async whether it returns a {@link CompletableFuture} of the value
	 * @return the value's future; a thrown exception becomes a failed future
	 */
	@SuppressWarnings("unchecked")
	static CompletableFuture<@Nullable Object> invoke(CacheLoad load, boolean async) {
		try {
			Object result = load.load();
			if (!async) {
				return CompletableFuture.completedFuture(result);
			}
			return (result != null) ? ((CompletableFuture<@Nullable Object>) result)
					: CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Wait for a future, rethrowing what the method threw as it was thrown. */
	static @Nullable Object await(CompletableFuture<@Nullable Object> future) throws Throwable {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw unwrap(ex);
		}
	}

	/** The method's own exception inside the wrappers futures add. */
	static Throwable unwrap(Throwable ex) {
		Throwable current = ex;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
