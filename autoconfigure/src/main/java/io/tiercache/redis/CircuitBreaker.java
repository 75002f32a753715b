package io.tiercache.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops paying Redis's timeout on every call while Redis is down. A state machine in the
 * manner of resilience4j's {@code CircuitBreakerStateMachine}:
 *
 * <pre>
 * state       permission                    on success          on failure
 * ----------  ----------------------------  ------------------  -------------------------
 * CLOSED      granted                       count reset         failureThreshold-th in a
 *                                                               row: OPEN for openDuration
 * OPEN        refused until openDuration    ignored (a call     ignored (the window
 *             has elapsed, then granted to  admitted before it  stands)
 *             one probe: HALF_OPEN          opened)
 * HALF_OPEN   refused while the probe is    CLOSED              OPEN for a new
 *             out; another probe after                          openDuration
 *             openDuration
 * </pre>
 * <p>
 * A caller that gets {@code true} from {@link #tryAcquirePermission()} must then call
 * {@link #recordSuccess()} or {@link #recordFailure()}. Only one caller probes Redis once
 * the window has elapsed, so under load the others still fail fast instead of each paying
 * the command timeout; a probe whose outcome is never recorded (its caller died) is given
 * up after {@code openDuration}, so the breaker cannot stay half-open forever.
 * <p>
 * Thread-safe. While closed, a permission and a success cost a few volatile reads, with
 * no lock and no allocation; only transitions take the lock.
 * <p>
 * {@link #addStateListener state listeners} are told of every transition, so the store
 * can stop trusting its local tier while Redis is unreachable (invalidations cannot be
 * heard) and clear it when Redis is back.
 *
 * @since 0.1.0
 */
public final class CircuitBreaker {

	private static final Logger logger = LoggerFactory.getLogger(CircuitBreaker.class);

	/** The states of the breaker. */
	public enum State {

		/** Calls go to Redis; consecutive failures are counted. */
		CLOSED,

		/** Calls fail at once until the open duration has elapsed. */
		OPEN,

		/** One probe call is out; its outcome closes or re-opens the breaker. */
		HALF_OPEN

	}

	/** Listener of breaker transitions. */
	@FunctionalInterface
	public interface StateListener {

		/**
		 * Called after each transition, outside the breaker's lock. Transitions are told
		 * in the order they happened, not necessarily on the thread that caused them, so
		 * a listener should be quick.
		 * @param from the state left
		 * @param to the state entered
		 */
		void onStateChange(State from, State to);

	}

	private final int failureThreshold;

	private final long openNanos;

	private final LongSupplier nanoTime;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final List<StateListener> stateListeners = new CopyOnWriteArrayList<>();

	private final List<Runnable> successListeners = new CopyOnWriteArrayList<>();

	/**
	 * When the next probe may be admitted: the end of the open window, or while a probe
	 * is out the moment it is given up. Written before {@link #state}, under the lock, so
	 * that whoever reads a state sees its deadline.
	 */
	private volatile long nextProbeAt;

	private volatile State state = State.CLOSED;

	/**
	 * Transitions not told to the listeners yet, oldest first; guarded by {@code this}.
	 */
	private final ArrayDeque<Transition> untold = new ArrayDeque<>();

	/** Whether a thread is telling the listeners; guarded by {@code this}. */
	private boolean telling;

	public CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier nanoTime) {
		this.failureThreshold = Math.max(1, failureThreshold);
		this.openNanos = openDuration.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * Tell a listener of every later transition.
	 * @param listener the listener
	 */
	public void addStateListener(StateListener listener) {
		this.stateListeners.add(listener);
	}

	/**
	 * Run an action after every successful call; it must be cheap.
	 * @param listener the action
	 */
	public void addSuccessListener(Runnable listener) {
		this.successListeners.add(listener);
	}

	/**
	 * The current state. An open breaker whose window has elapsed reports
	 * {@link State#OPEN} until the next {@link #tryAcquirePermission()}.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Ask whether a call may go to Redis now. A caller that gets {@code true} must record
	 * the call's outcome with {@link #recordSuccess()} or {@link #recordFailure()}.
	 * @return {@code true} while closed, and for the one probe call of an elapsed window;
	 * {@code false} otherwise
	 */
	public boolean tryAcquirePermission() {
		if (this.state == State.CLOSED) {
			return true;
		}
		// Refused without the lock: while Redis is down, that is almost every call.
		if (this.nanoTime.getAsLong() - this.nextProbeAt < 0) {
			return false;
		}
		boolean tell = false;
		synchronized (this) {
			State current = this.state;
			if (current == State.CLOSED) {
				return true;
			}
			long now = this.nanoTime.getAsLong();
			if (now - this.nextProbeAt < 0) {
				return false;
			}
			// This caller is the probe; if it never reports, another is admitted after a
			// window.
			this.nextProbeAt = now + this.openNanos;
			if (current == State.OPEN) {
				tell = transitionTo(State.HALF_OPEN);
			}
		}
		if (tell) {
			tellListeners();
		}
		return true;
	}

	/**
	 * Ask to call Redis now as the breaker's probe, without waiting for an open window to
	 * elapse. For the retry of queued invalidations: while one waits, other processes may
	 * serve what it kills, so it should reach Redis as soon as Redis answers, not an open
	 * duration later. One caller retries, at a bounded rate, so probing early costs Redis
	 * little. The caller must record the outcome as for {@link #tryAcquirePermission()}.
	 * @return {@code true} unless another probe is out
	 */
	public boolean tryAcquireProbe() {
		if (this.state == State.CLOSED) {
			return true;
		}
		boolean tell = false;
		synchronized (this) {
			State current = this.state;
			if (current == State.CLOSED) {
				return true;
			}
			long now = this.nanoTime.getAsLong();
			if (current == State.HALF_OPEN && now - this.nextProbeAt < 0) {
				return false;
			}
			this.nextProbeAt = now + this.openNanos;
			if (current == State.OPEN) {
				tell = transitionTo(State.HALF_OPEN);
			}
		}
		if (tell) {
			tellListeners();
		}
		return true;
	}

	/** Record that a permitted call succeeded. */
	public void recordSuccess() {
		if (this.consecutiveFailures.get() != 0) {
			this.consecutiveFailures.set(0);
		}
		if (this.state == State.HALF_OPEN) {
			boolean tell = false;
			synchronized (this) {
				if (this.state == State.HALF_OPEN) {
					this.consecutiveFailures.set(0);
					tell = transitionTo(State.CLOSED);
				}
			}
			if (tell) {
				tellListeners();
			}
		}
		this.successListeners.forEach(CircuitBreaker::runSuccessListener);
	}

	/** Record that a permitted call failed. */
	public void recordFailure() {
		State current = this.state;
		if (current == State.OPEN) {
			// A call let through before the breaker opened: the window stands.
			return;
		}
		if (current == State.CLOSED && this.consecutiveFailures.incrementAndGet() < this.failureThreshold) {
			return;
		}
		boolean tell = false;
		synchronized (this) {
			State now = this.state;
			if (now == State.HALF_OPEN
					|| (now == State.CLOSED && this.consecutiveFailures.get() >= this.failureThreshold)) {
				this.nextProbeAt = this.nanoTime.getAsLong() + this.openNanos;
				tell = transitionTo(State.OPEN);
			}
		}
		if (tell) {
			tellListeners();
		}
	}

	/**
	 * Enter a state, holding the lock.
	 * @param to the state
	 * @return whether the caller must tell the listeners, once it has released the lock
	 */
	private boolean transitionTo(State to) {
		this.untold.add(new Transition(this.state, to));
		this.state = to;
		if (this.telling) {
			// The thread telling the listeners tells this transition too, after the
			// earlier ones.
			return false;
		}
		this.telling = true;
		return true;
	}

	/**
	 * Tell the listeners of every untold transition. One thread at a time does so, so
	 * that listeners hear transitions in order: told out of order, "to CLOSED" followed
	 * by a late "to OPEN" would leave the store distrusting its local tier while Redis
	 * answers.
	 */
	private void tellListeners() {
		boolean drained = false;
		try {
			while (true) {
				Transition transition;
				synchronized (this) {
					transition = this.untold.poll();
					if (transition == null) {
						this.telling = false;
						drained = true;
						return;
					}
				}
				for (StateListener listener : this.stateListeners) {
					try {
						listener.onStateChange(transition.from(), transition.to());
					}
					catch (RuntimeException ex) {
						logger.warn("Circuit breaker listener failed on {} -> {}", transition.from(), transition.to(),
								ex);
					}
				}
			}
		}
		finally {
			if (!drained) {
				// An error escaped a listener: let the next transition tell what is left.
				synchronized (this) {
					this.telling = false;
				}
			}
		}
	}

	private static void runSuccessListener(Runnable listener) {
		try {
			listener.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Circuit breaker success listener failed", ex);
		}
	}

	private record Transition(State from, State to) {
	}

}
