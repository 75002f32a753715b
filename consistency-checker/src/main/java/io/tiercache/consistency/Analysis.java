package io.tiercache.consistency;

import java.util.List;

/**
 * What the checker concluded from a history.
 *
 * @param gets single reads
 * @param lists bucket list reads
 * @param itemReads item reads (a list read counts one per item it returned)
 * @param writes completed writes
 * @param retriedWrites writes whose own invalidation failed and was published by a retry
 * @param unannouncedWrites writes whose invalidation never reached Redis during the run
 * @param violations reads the guarantee forbids
 * @param examples the first violations, the first few with history excerpts
 * @param staleWithinWindow reads older than a write that had already ended, but inside
 * that write's delivery window on the reading instance: admitted by the design
 * @param staleAfterRetriedWrite of those, reads whose window was long because the write's
 * invalidation had to be retried
 * @param staleOnWriterAfterRetry of those, reads on the writer's own instance: the write
 * had returned, but its invalidation had not reached Redis yet
 * @param retryWindowExamples the first stale read admitted after a retried invalidation
 * on the writer's own instance and the first on another instance, with history excerpts
 * @param unexplainedReads reads of a version no recorded write created
 * @param window delivery window over every (write, instance) pair: coverage minus the
 * write's end, clamped at zero
 * @param remoteWindow the same over pairs where the instance is not the writer's
 * @param uncoveredPairs (write, instance) pairs never covered
 */
record Analysis(long gets, long lists, long itemReads, long writes, long retriedWrites, long unannouncedWrites,
		long violations, List<Violation> examples, long staleWithinWindow, long staleAfterRetriedWrite,
		long staleOnWriterAfterRetry, List<Violation> retryWindowExamples, long unexplainedReads, Distribution window,
		Distribution remoteWindow, long uncoveredPairs) {

	long reads() {
		return this.gets + this.lists;
	}

}
