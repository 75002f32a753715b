package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The whole history of a run: one {@link ThreadHistory} per worker. Built while workers
 * run, read only once they have all been joined.
 */
final class History {

	private final List<ThreadHistory> threads = new ArrayList<>();

	ThreadHistory newThread(int instance, int thread) {
		ThreadHistory history = new ThreadHistory(instance, thread);
		this.threads.add(history);
		return history;
	}

	List<ThreadHistory> threads() {
		return this.threads;
	}

	List<WriteOp> writes() {
		List<WriteOp> writes = new ArrayList<>();
		for (ThreadHistory thread : this.threads) {
			writes.addAll(thread.writes());
		}
		return writes;
	}

	void forEachRead(ThreadHistory.ReadVisitor visitor) {
		for (ThreadHistory thread : this.threads) {
			thread.forEachRead(visitor);
		}
	}

	long gets() {
		return this.threads.stream().mapToLong(ThreadHistory::gets).sum();
	}

	long lists() {
		return this.threads.stream().mapToLong(ThreadHistory::lists).sum();
	}

	long itemReads() {
		return this.threads.stream().mapToLong(ThreadHistory::itemReads).sum();
	}

	/**
	 * The first operation failure of any thread, to show in the report, or {@code null}.
	 */
	@Nullable RuntimeException firstFailure() {
		return this.threads.stream().map(ThreadHistory::firstFailure).filter(Objects::nonNull).findFirst().orElse(null);
	}

	long failures() {
		return this.threads.stream().mapToLong(ThreadHistory::failures).sum();
	}

}
