package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.tiercache.store.ConsistencyCheckerSeam;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.ClearReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker's semantics on hand-made histories, independent of the library: which stale
 * reads the delivery window admits and which it does not. Events go through real
 * {@link LocalTrust}s and {@link EventLog}s, in the order a test writes them.
 */
class HistoryAnalysisTests {

	private static final String EPOCH = "e1";

	private final Epochs epochs = new Epochs();

	private final List<LocalTrust> views = new ArrayList<>();

	private final List<EventLog> logs = new ArrayList<>();

	private final History history = new History();

	private ThreadHistory writer;

	private ThreadHistory reader;

	private long origin;

	private long last;

	@BeforeEach
	void setUp() {
		for (int i = 0; i < 2; i++) {
			LocalTrust view = ConsistencyCheckerSeam.detachedTrust();
			EventLog log = new EventLog(this.epochs);
			log.attach(view);
			this.views.add(view);
			this.logs.add(log);
		}
		this.writer = this.history.newThread(0, 0);
		this.reader = this.history.newThread(1, 0);
		this.origin = now();
	}

	@Test
	void staleReadBeforeTheInvalidationArrivesIsAdmitted() {
		write(1, 1, 101);
		read(1, 0);
		received(1, 101, 1);
		Analysis analysis = analyze();
		assertThat(analysis.violations()).isZero();
		assertThat(analysis.staleWithinWindow()).isOne();
	}

	@Test
	void staleReadAfterTheInvalidationArrivedIsAViolation() {
		write(1, 1, 101);
		received(1, 101, 1);
		read(1, 0);
		Analysis analysis = analyze();
		assertThat(analysis.violations()).isOne();
		assertThat(analysis.examples().get(0).kind()).isEqualTo(Violation.Kind.STALE);
		assertThat(analysis.examples().get(0).excerpt()).contains("by applying the invalidation");
	}

	@Test
	void staleReadOnTheWritersInstanceAfterTheWriteReturnedIsAViolation() {
		write(1, 1, 101);
		readOn(this.history.newThread(0, 1), 1, 0);
		received(1, 101, 1);
		assertThat(analyze().violations()).isOne();
	}

	@Test
	void freshReadIsNoViolation() {
		write(1, 1, 101);
		received(1, 101, 1);
		read(1, 1);
		Analysis analysis = analyze();
		assertThat(analysis.violations()).isZero();
		assertThat(analysis.staleWithinWindow()).isZero();
	}

	@Test
	void staleReadAfterAnInvalidationThatNeverArrivedIsAViolation() {
		write(1, 1, 101);
		read(1, 0);
		Analysis analysis = analyze();
		assertThat(analysis.violations()).isOne();
		assertThat(analysis.uncoveredPairs()).isOne();
		assertThat(analysis.examples().get(0).excerpt()).contains("never");
	}

	@Test
	void clearAfterTheInvalidationWasPublishedCoversALostMessage() {
		write(1, 1, 101);
		received(1, 102, 2);
		this.views.get(1).clear(ClearReason.GAP);
		read(1, 0);
		Analysis analysis = analyze();
		assertThat(analysis.violations()).isOne();
		assertThat(analysis.examples().get(0).excerpt()).contains("by a clear (GAP)");
	}

	@Test
	void clearBeforeTheInvalidationWasPublishedDoesNotCoverIt() {
		long start = now();
		this.views.get(1).clear(ClearReason.DISCONNECT);
		WriteOp write = finishWrite(start, 1, 1, 101);
		assertThat(write.invalidatedInThread()).isTrue();
		read(1, 0);
		received(1, 101, 1);
		Analysis analysis = analyze();
		assertThat(analysis.violations()).isZero();
		assertThat(analysis.staleWithinWindow()).isOne();
	}

	@Test
	void retriedInvalidationIsCoveredFromItsRetryOnly() {
		long start = now();
		long end = now();
		this.writer.write(new WriteOp(0, 0, 1, start, end, 1, -1, 0, 0));
		readOn(this.history.newThread(0, 1), 1, 0);
		read(1, 0);
		now();
		this.views.get(0).apply(EPOCH, 101, List.of("item:1"));
		received(1, 101, 1);
		read(1, 0);
		Analysis analysis = analyze();
		assertThat(analysis.retriedWrites()).isOne();
		assertThat(analysis.unannouncedWrites()).isZero();
		assertThat(analysis.staleWithinWindow()).isEqualTo(2);
		assertThat(analysis.staleOnWriterAfterRetry()).isOne();
		assertThat(analysis.violations()).isOne();
		assertThat(analysis.examples().get(0).excerpt()).contains("published by a retry");
	}

	@Test
	void listReadCountsAsAReadOfEveryItem() {
		write(1, 1, 101);
		received(1, 101, 1);
		long start = now();
		this.reader.list(List.of(new Item(1, 0, 0), new Item(2, 0, 0)), start, now());
		Analysis analysis = analyze();
		assertThat(analysis.itemReads()).isEqualTo(2);
		assertThat(analysis.violations()).isOne();
		assertThat(analysis.examples().get(0).readKind()).isEqualTo(ThreadHistory.LIST);
	}

	@Test
	void readOfAVersionWrittenOnlyAfterItEndedIsAViolation() {
		long start = now();
		long end = now();
		this.reader.get(new Item(1, 1, 1), start, end);
		write(1, 1, 101);
		received(1, 101, 1);
		Analysis analysis = analyze();
		assertThat(analysis.violations()).isOne();
		assertThat(analysis.examples().get(0).kind()).isEqualTo(Violation.Kind.FUTURE);
	}

	private void write(int item, long version, long seq) {
		finishWrite(now(), item, version, seq);
	}

	private WriteOp finishWrite(long start, int item, long version, long seq) {
		WriteCapture capture = WriteCapture.open();
		try {
			now();
			this.views.get(0).apply(EPOCH, seq, List.of("item:" + item));
		}
		finally {
			WriteCapture.close();
		}
		WriteOp write = new WriteOp(0, 0, item, start, now(), version, capture.epoch(), capture.seq(),
				capture.appliedAt());
		this.writer.write(write);
		return write;
	}

	private void read(int item, long version) {
		readOn(this.reader, item, version);
	}

	private void readOn(ThreadHistory thread, int item, long version) {
		long start = now();
		thread.get(new Item(item, item, version), start, now());
	}

	/** Apply a message on the subscriber thread of an instance, as the channel does. */
	private void received(int instance, long seq, int item) {
		now();
		AtomicReference<RuntimeException> failure = new AtomicReference<>();
		Thread subscriber = new Thread(() -> {
			try {
				this.views.get(instance).apply(EPOCH, seq, List.of("item:" + item));
			}
			catch (RuntimeException ex) {
				failure.set(ex);
			}
		}, "tiercache-invalidations");
		subscriber.start();
		try {
			subscriber.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(failure.get()).isNull();
		now();
	}

	private Analysis analyze() {
		Timeline timeline = new Timeline(this.origin, this.logs.stream().map(EventLog::snapshot).toList(), List.of(),
				this.epochs, 1);
		return new HistoryAnalysis(this.history, timeline, 3).analyze();
	}

	/**
	 * A time strictly after every time taken before, so that the order of events is
	 * exact.
	 */
	private long now() {
		long time;
		do {
			time = System.nanoTime();
		}
		while (time <= this.last);
		this.last = time;
		return time;
	}

}
