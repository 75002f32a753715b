package io.tiercache.store;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The store's own threads for the Redis round trips of calls that return a future: their
 * callers get the future at once and never wait on Redis, whether it answers in a
 * millisecond or not until its command timeout. Beyond what the threads and a queue of
 * {@value #QUEUE} calls can take, or once the store is closed, a task runs on the thread
 * that submits it, as the round trips did before they had threads of their own: slower
 * for that caller, and nothing is lost.
 */
final class AsyncCalls implements Executor {

	static final int QUEUE = 1000;

	private static final Logger logger = LoggerFactory.getLogger(AsyncCalls.class);

	private final ThreadPoolExecutor executor;

	private final ThrottledLog saturation = new ThrottledLog(logger, System::nanoTime);

	AsyncCalls(int threads) {
		this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
				TieredStore.daemonThreads("tiercache-async"), new ThreadPoolExecutor.AbortPolicy());
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Start a call on the store's threads.
	 * @param call the call, which returns its own future
	 * @return the call's future
	 */
	CompletableFuture<@Nullable Object> submit(Supplier<CompletableFuture<@Nullable Object>> call) {
		return CompletableFuture.supplyAsync(call, this).thenCompose(Function.identity());
	}

	/**
	 * Run a task on the store's threads, or on this thread if they cannot take it.
	 * @param task the task
	 */
	@Override
	public void execute(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			if (!this.executor.isShutdown()) {
				this.saturation.log(Level.WARN, "saturated",
						"The " + this.executor.getMaximumPoolSize() + " threads of tiercache.redis.async-threads and "
								+ QUEUE + " queued calls are busy: Redis round trips of methods returning a future "
								+ "run on their callers' threads meanwhile. Raise tiercache.redis.async-threads, "
								+ "or look for a slow Redis",
						ex);
			}
			task.run();
		}
	}

	/**
	 * Stop the threads. Calls still queued run on the closing thread: each has a caller
	 * waiting for its future, which must complete (through the method, uncached, once
	 * Redis is gone).
	 */
	void close() {
		for (Runnable queued : this.executor.shutdownNow()) {
			queued.run();
		}
	}

}
