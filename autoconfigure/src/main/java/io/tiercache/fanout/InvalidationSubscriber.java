package io.tiercache.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.tiercache.redis.InvalidationMessage;
import io.tiercache.redis.LayoutCheck;
import io.tiercache.redis.RedisTier;
import io.tiercache.redis.ServerVersionCheck;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.ClearReason;
import io.tiercache.store.LocalTrust.DistrustCause;
import io.tiercache.store.TieredStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * This process's subscription to the invalidation channel: classic pub/sub on a listener
 * container that tiercache owns (not the application's
 * {@code redisMessageListenerContainer}, if any), or sharded pub/sub on Redis Cluster
 * ({@link ChannelSubscription}). It keeps the store's {@link LocalTrust} up to date; the
 * gap, stall and epoch decisions are taken by a {@link SequenceTracker}, and this class
 * keeps the lifecycle, the subscription, the probe and re-subscription.
 *
 * <h2>When the local tier is trusted</h2> Only while the subscription is confirmed and no
 * loss is suspected ([I10] in {@code docs/correctness.md}):
 * <ul>
 * <li>Until the first subscription is confirmed, it is not. Redis need not be reachable
 * when the application starts: the subscription is tried again at every check until it
 * succeeds.</li>
 * <li>When a Lettuce pub/sub connection drops, trust is withdrawn at once, before any
 * message could be missed unnoticed; every re-subscription clears the local tier before
 * trusting it again, since messages published meanwhile are gone. (A drop of some other
 * pub/sub connection of the application is confirmed harmless by a probe: a message this
 * process publishes and must receive.)</li>
 * <li>Messages carry consecutive sequence numbers and are applied on one thread in the
 * order Redis sent them, so a lost message shows up as a gap, which clears the local
 * tier.</li>
 * <li>A periodic cheap read of the sequence catches a silent stall: if Redis's sequence
 * has moved past what was received and the messages still have not arrived one check
 * later, trust is withdrawn and the subscription re-established. The same read notices a
 * new epoch.</li>
 * <li>The same read bounds trust in time: once this process has applied every
 * invalidation up to the number it read, the local tier is confirmed until
 * {@code localMaxUnconfirmed} after the read was sent. A process that was paused (a long
 * GC, {@code SIGSTOP}, a frozen VM) finds its confirmation lapsed when it resumes, and
 * serves nothing locally until a check has seen the invalidations queued meanwhile
 * applied.</li>
 * </ul>
 * Every clear bumps the generation ([I9]), so loads in flight across any of these events
 * never reach the local tier.
 * <p>
 * Each time a baseline is established, the server's version is read once
 * ({@link ServerVersionCheck}), and a version with known vulnerabilities in the Lua
 * engine that tiercache's scripts run on is warned about.
 *
 * @since 0.1.0
 */
public final class InvalidationSubscriber implements MessageListener, SubscriptionListener, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(InvalidationSubscriber.class);

	/** Told of what the subscriber sees, for metrics. */
	public interface Observer {

		/** Observes nothing. */
		Observer NONE = new Observer() {
		};

		/**
		 * An invalidation arrived.
		 * @param lagMicros time from publish to local apply
		 */
		default void received(long lagMicros) {
		}

		/** A message could not be decoded and was dropped. */
		default void malformed() {
		}

		/**
		 * A periodic check found messages missing and re-established the subscription.
		 */
		default void stalled() {
		}

	}

	private final LocalTrust trust;

	private final RedisTier redis;

	/** One per slot group: each group's channel carries its own sequence. */
	private final SequenceTracker[] trackers;

	private final LayoutCheck layout;

	private final ServerVersionCheck versionCheck;

	private final RedisConnectionFactory connectionFactory;

	/** Created when started: on Redis Cluster, it needs the factory's client. */
	private volatile @Nullable ChannelSubscription subscription;

	private final Observer observer;

	private final ScheduledExecutorService scheduler;

	private final Ticker ticker;

	/**
	 * Held while a message is applied and while a check confirms trust, so that a
	 * confirmation never sees a message half applied (counted by the tracker, but its gap
	 * not cleared yet).
	 */
	private final Object applying = new Object();

	/**
	 * The last read of Redis's sequences that this process had not caught up with, in
	 * some groups, when the answer came: the message that catches up with the last of
	 * them confirms trust as of when it was sent. Guarded by {@link #applying}.
	 */
	private @Nullable PendingConfirmation pendingConfirmation;

	/**
	 * Groups whose channel returned this process's probe since it was last sent; trust
	 * returns on probes once every group's came back. Guarded by {@link #applying}.
	 */
	private final BitSet probed = new BitSet();

	/**
	 * Whether the last attempt to subscribe failed; read and written on the check thread.
	 */
	private boolean subscribeFailing;

	private final String probeNonce = UUID.randomUUID().toString();

	private final RedisConnectionStateListener connectionListener = new RedisConnectionStateListener() {

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			if (connection instanceof StatefulRedisPubSubConnection<?, ?>) {
				ChannelSubscription subscription = InvalidationSubscriber.this.subscription;
				if (subscription != null) {
					subscription.connectionLost(connection);
				}
				subscriptionLost();
			}
		}

	};

	private final AtomicBoolean malformedLogged = new AtomicBoolean();

	/**
	 * Completed when the first subscription is confirmed, or the first attempt has
	 * failed: what {@link #start()} waits for.
	 */
	private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();

	private volatile Predicate<InvalidationMessage> messageFilter = (message) -> true;

	private volatile boolean stopping;

	private volatile boolean running;

	private final Duration subscribeTimeout;

	private final Duration checkInterval;

	private @Nullable AbstractRedisClient lettuceClient;

	/**
	 * Create a subscriber; it subscribes when {@linkplain #start() started}.
	 * @param connectionFactory the application's connection factory
	 * @param store the store whose local trust state to keep up to date
	 * @param observer told of messages, for metrics
	 * @param subscribeTimeout how long {@link #start()} waits for the subscription to be
	 * confirmed
	 * @param checkInterval how often to check that messages still arrive, and to confirm
	 * the local tier; shorter than the store's
	 * {@link io.tiercache.store.StoreOptions#localMaxUnconfirmed() localMaxUnconfirmed}
	 * @throws IllegalArgumentException if the check interval is not shorter than the
	 * store's bound, which would let trust lapse between two checks
	 */
	public InvalidationSubscriber(RedisConnectionFactory connectionFactory, TieredStore store, Observer observer,
			Duration subscribeTimeout, Duration checkInterval) {
		Duration maxUnconfirmed = store.options().localMaxUnconfirmed();
		if (checkInterval.compareTo(maxUnconfirmed) >= 0) {
			throw new IllegalArgumentException(
					"Check interval " + checkInterval + " must be shorter than the local tier's localMaxUnconfirmed "
							+ maxUnconfirmed + ", or trust would lapse between two checks");
		}
		this.subscribeTimeout = subscribeTimeout;
		this.checkInterval = checkInterval;
		this.trust = store.trust();
		this.ticker = store.options().ticker();
		this.redis = store.redis();
		this.trackers = new SequenceTracker[this.redis.keys().groups()];
		for (int group = 0; group < this.trackers.length; group++) {
			this.trackers[group] = new SequenceTracker();
		}
		this.versionCheck = new ServerVersionCheck(this.redis);
		this.layout = store.layout();
		this.connectionFactory = connectionFactory;
		this.observer = observer;
		// Messages are applied on the connection's I/O thread, in the order Redis sent
		// them; nothing done there waits on Redis: the baseline is read on the check
		// thread.
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "tiercache-checks"));
		this.trust.distrustUntilFirstSubscription();
		this.trust.requireConfirmation();
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * Subscribe, and wait (boundedly) until the subscription is confirmed, so that the
	 * local tier is trusted before the application takes traffic. If confirmation is
	 * late, or Redis cannot be reached, the local tier stays bypassed until it comes:
	 * slower, never wrong. Never fails for want of Redis: the checks subscribe once it
	 * answers.
	 */
	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Duration timeout = this.subscribeTimeout;
		if (this.connectionFactory instanceof LettuceConnectionFactory lettuce) {
			this.lettuceClient = lettuce.getNativeClient();
			if (this.lettuceClient != null) {
				this.lettuceClient.addListener(this.connectionListener);
			}
		}
		this.subscription = createSubscription();
		// On the check thread, like every later attempt: a Redis that does not answer
		// holds up startup for the subscribe timeout at most, not for the connect
		// timeout.
		this.scheduler.execute(this::subscribe);
		long intervalMillis = Math.max(10, this.checkInterval.toMillis());
		this.scheduler.scheduleWithFixedDelay(this::checkSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
		try {
			this.firstAttempt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Invalidation channel subscription not confirmed within {}: the local tier is bypassed "
					+ "until it is", timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopping = true;
		this.scheduler.shutdownNow();
		try {
			// A check that is subscribing must be done before the subscription stops, or
			// it
			// would subscribe again behind our back.
			this.scheduler.awaitTermination(this.subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.lettuceClient != null) {
			this.lettuceClient.removeListener(this.connectionListener);
		}
		ChannelSubscription subscription = this.subscription;
		if (subscription != null) {
			subscription.close();
		}
	}

	/**
	 * Sharded pub/sub on Redis Cluster, where the invalidate script publishes with
	 * {@code SPUBLISH}; classic pub/sub otherwise.
	 */
	private ChannelSubscription createSubscription() {
		List<byte[]> channels = new ArrayList<>(this.trackers.length);
		for (int group = 0; group < this.trackers.length; group++) {
			channels.add(this.redis.keys().channel(group));
		}
		if (this.redis.sharded()) {
			if (!(this.lettuceClient instanceof RedisClusterClient client)) {
				throw new IllegalStateException(
						"Sharded invalidations need Lettuce's RedisClusterClient, not " + this.lettuceClient);
			}
			return new ShardedSubscription(client, channels, this, this, this.subscribeTimeout);
		}
		return new ContainerSubscription(this.connectionFactory, channels, this);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Before the web server (SmartLifecycle.DEFAULT_PHASE - 1024 starts it).
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	/**
	 * Fault injection for tests: messages the filter rejects are dropped as if lost in
	 * transit.
	 * @param filter which messages to let through
	 */
	public void setMessageFilter(Predicate<InvalidationMessage> filter) {
		this.messageFilter = filter;
	}

	/**
	 * Subscribe, on the check thread. If Redis cannot be reached, the subscription is
	 * left stopped, so that the next check tries again.
	 */
	private void subscribe() {
		if (this.stopping) {
			return;
		}
		try {
			this.subscription.start();
			if (this.subscribeFailing) {
				logger.info("Subscribed to the invalidation channel");
			}
			this.subscribeFailing = false;
		}
		catch (RuntimeException ex) {
			if (!this.subscribeFailing) {
				logger.warn("Could not subscribe to the invalidation channel ({}): the local tier is bypassed, "
						+ "and subscribing is tried again every {}", ex.getMessage(), this.checkInterval);
			}
			else {
				logger.debug("Could not subscribe to the invalidation channel", ex);
			}
			this.subscribeFailing = true;
			this.firstAttempt.complete(null);
		}
	}

	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		int group = this.redis.keys().groupOfChannel(channel);
		if (group < 0) {
			return;
		}
		// On the connection's I/O thread: mark, and read the baseline elsewhere.
		if (this.trackers[group].subscribed()) {
			// Messages published while the subscription was down are gone.
			this.trust.clear(ClearReason.DISCONNECT);
		}
		try {
			this.scheduler.execute(() -> {
				boolean established = establishBaseline();
				this.firstAttempt.complete(null);
				if (established) {
					// After startup is released: a look at the server, for logs and
					// health.
					this.versionCheck.run();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// The scheduler is shut down: the subscriber is stopping, nothing is left to
			// trust.
		}
	}

	/**
	 * Read where the sequence stands, so that every later message can be checked for a
	 * gap; only then is the local tier trusted. Retried by the periodic check if Redis
	 * does not answer.
	 * @return whether the baseline was established now
	 */
	private boolean establishBaseline() {
		// Another layout's invalidations are never heard here: no baseline, no trust.
		if (!this.layout.run()) {
			return false;
		}
		List<RedisTier.@Nullable SequenceState> current;
		try {
			current = this.redis.currentSequences();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the invalidation sequence; retrying with the next check", ex);
			return false;
		}
		boolean any = false;
		for (int group = 0; group < this.trackers.length; group++) {
			RedisTier.SequenceState state = current.get(group);
			if (this.trackers[group].baseline(state)) {
				any = true;
				if (state != null) {
					// Also the group's number: what a write of tags known only from a
					// result records for a group its read did not touch.
					this.trust.observe(group, LocalTrust.SequenceMark.NONE, state.epoch(), state.seq());
				}
			}
		}
		if (!any || !allHaveBaseline()) {
			return false;
		}
		// Its clear, after the read, confirms the local tier: whatever was published
		// before it and has not arrived yet can only concern entries that are gone.
		this.trust.restoreTrust(DistrustCause.UNSUBSCRIBED);
		return true;
	}

	private boolean allHaveBaseline() {
		for (SequenceTracker tracker : this.trackers) {
			if (!tracker.hasBaseline()) {
				return false;
			}
		}
		return true;
	}

	private boolean anyAwaitsBaseline() {
		for (SequenceTracker tracker : this.trackers) {
			if (tracker.awaitsBaseline()) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void onChannelUnsubscribed(byte[] channel, long count) {
		subscriptionLost();
	}

	private void subscriptionLost() {
		if (!this.stopping) {
			this.trust.distrust(DistrustCause.UNSUBSCRIBED);
		}
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		int group = this.redis.keys().groupOfChannel(message.getChannel());
		if (group < 0) {
			return;
		}
		byte[] body = message.getBody();
		InvalidationMessage invalidation = InvalidationMessage.decode(body);
		if (invalidation == null) {
			String nonce = InvalidationMessage.probeNonce(body);
			if (nonce == null) {
				malformed();
			}
			else if (nonce.equals(this.probeNonce) && probeReturned(group)) {
				// Our own probe came back on every channel: the subscription works end to
				// end.
				this.trust.restoreTrust(DistrustCause.UNSUBSCRIBED);
			}
			return;
		}
		if (!this.messageFilter.test(invalidation)) {
			return;
		}
		synchronized (this.applying) {
			boolean gap = this.trackers[group].onMessage(invalidation.epoch(), invalidation.seq(),
					invalidation.epochStart());
			this.trust.apply(group, invalidation.epoch(), invalidation.seq(), tagsOf(group, invalidation.tags()));
			if (gap) {
				logger.info("Invalidation message(s) lost before sequence {}: clearing the local tier",
						invalidation.seq());
				this.trust.clear(ClearReason.GAP);
			}
			PendingConfirmation pending = this.pendingConfirmation;
			if (pending != null && pending.caughtUp(group, this.trackers[group])) {
				this.pendingConfirmation = null;
				this.trust.confirm(pending.sentAt());
			}
		}
		this.observer.received(Math.max(0, RedisTier.nowMicros() - invalidation.publishedMicros()));
	}

	/**
	 * The tags of a message that belong to its channel's group: only that group numbers
	 * them; another group's tag on this channel was not published by tiercache.
	 */
	private List<String> tagsOf(int group, List<String> tags) {
		if (this.trackers.length == 1) {
			return tags;
		}
		List<String> own = new ArrayList<>(tags.size());
		for (String tag : tags) {
			if (this.redis.keys().group(tag) == group) {
				own.add(tag);
			}
		}
		return own;
	}

	private boolean probeReturned(int group) {
		synchronized (this.applying) {
			if (!allHaveBaseline()) {
				return false;
			}
			this.probed.set(group);
			return this.probed.cardinality() == this.trackers.length;
		}
	}

	private void malformed() {
		this.observer.malformed();
		if (this.malformedLogged.compareAndSet(false, true)) {
			logger.warn("Dropped a malformed message on the invalidation channel (logged once)");
		}
	}

	private void checkSafely() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			// An exception would end the schedule, and with it every way back to trust.
			logger.warn("Invalidation subscription check failed", ex);
		}
	}

	/** The periodic check: see the class comment. */
	void check() {
		if (this.stopping) {
			return;
		}
		if (!this.subscription.isListening()) {
			// Not subscribed, and nobody is at it: Redis was unreachable when we last
			// tried, or (Redis Cluster) the channel's node is gone or gave up the slot.
			subscribe();
			return;
		}
		if (anyAwaitsBaseline()) {
			if (establishBaseline()) {
				this.versionCheck.run();
			}
			return;
		}
		LocalTrust.SequenceMark[] before = new LocalTrust.SequenceMark[this.trackers.length];
		for (int group = 0; group < before.length; group++) {
			before[group] = this.trust.mark(group);
		}
		// Taken before the read is sent, so that what it confirms holds from no later.
		long sentAt = this.ticker.read();
		List<RedisTier.@Nullable SequenceState> current;
		try {
			current = this.redis.currentSequences();
		}
		catch (RuntimeException ex) {
			// No confirmation, so trust lapses within the bound; the circuit breaker
			// withdraws it too if Redis stays unreachable.
			return;
		}
		if (this.trust.distrusts(DistrustCause.UNSUBSCRIBED)) {
			// Perhaps only another pub/sub connection dropped: our probes coming back
			// prove ours work. (A lapsed confirmation is no reason: this read renews
			// it.)
			probe();
		}
		boolean unconfirmable = false;
		for (int group = 0; group < this.trackers.length; group++) {
			RedisTier.SequenceState state = current.get(group);
			if (state == null) {
				// No sequence in Redis (flushed, or restarted without our noticing yet).
				// A process that has met no epoch of the group holds nothing of it
				// locally (every entry follows a read that reports one), so nothing can
				// have been missed. One that has may have lost a message just before the
				// flush, unnoticeable now: it stays unconfirmed until the next read or
				// invalidation creates a new epoch, whose clear confirms it.
				unconfirmable |= this.trust.epoch(group) != null;
				continue;
			}
			if (this.trust.observe(group, before[group], state.epoch(), state.seq())) {
				// [I12]: the store starts a new epoch, which the next check follows.
				unconfirmable = true;
			}
		}
		if (unconfirmable) {
			return;
		}
		int stalledGroup = -1;
		long stalledAt = 0;
		synchronized (this.applying) {
			BitSet waiting = new BitSet();
			for (int group = 0; group < this.trackers.length && stalledGroup < 0; group++) {
				RedisTier.SequenceState state = current.get(group);
				if (state == null) {
					continue;
				}
				SequenceTracker tracker = this.trackers[group];
				if (tracker.check(state, this.trust.tags().highestInvalidatedSeq(group))) {
					stalledGroup = group;
					stalledAt = state.seq();
				}
				else if (!tracker.caughtUp(state)) {
					// Messages up to that number are on their way.
					waiting.set(group);
				}
			}
			if (stalledGroup >= 0) {
				this.pendingConfirmation = null;
			}
			else if (waiting.isEmpty()) {
				this.pendingConfirmation = null;
				this.trust.confirm(sentAt);
			}
			else {
				// The message that catches up with the last waiting group confirms.
				this.pendingConfirmation = new PendingConfirmation(current, waiting, sentAt);
			}
		}
		if (stalledGroup >= 0) {
			this.observer.stalled();
			logger.warn("Invalidation messages stopped arriving, or one claimed a number Redis has not reached: "
					+ "re-establishing the subscription");
			// With tag states above Redis's number lowered to it: what a forged number
			// holds back is served again once trust returns ([I12]).
			this.trust.distrustAndLowerTagStates(DistrustCause.UNSUBSCRIBED, stalledGroup, stalledAt);
			resubscribe();
		}
	}

	/**
	 * The version of the Redis server, as read once each subscription's baseline was
	 * established, for health.
	 * @return the version, or {@code null} before Redis first answered
	 */
	public @Nullable String redisVersion() {
		return this.versionCheck.version();
	}

	/**
	 * The Lua-engine vulnerabilities that the server's version is affected by, for
	 * health.
	 * @return their CVE ids, empty if none or not known yet
	 */
	public List<String> redisLuaAdvisories() {
		return this.versionCheck.advisories();
	}

	/** The highest invalidation sequence received in the first slot group, for health. */
	public long lastSequence() {
		return this.trackers[0].lastSequence();
	}

	/**
	 * How many invalidations Redis has published that this process has not received.
	 * @param current Redis's sequence now
	 * @return the lag, 0 if the epochs differ
	 */
	public long lag(RedisTier.SequenceState current) {
		return this.trackers[0].lag(current);
	}

	/**
	 * How many invalidations Redis has published that this process has not received, over
	 * every slot group.
	 * @param current each group's sequence now, as {@link RedisTier#currentSequences()}
	 * returns them
	 * @return the lag, not counting groups whose epochs differ
	 */
	public long lag(List<RedisTier.@Nullable SequenceState> current) {
		long lag = 0;
		for (int group = 0; group < this.trackers.length && group < current.size(); group++) {
			RedisTier.SequenceState state = current.get(group);
			if (state != null) {
				lag += this.trackers[group].lag(state);
			}
		}
		return lag;
	}

	/**
	 * How many slot groups hold invalidations Redis has published that this process has
	 * not received.
	 * @param current each group's sequence now, as {@link RedisTier#currentSequences()}
	 * returns them
	 * @return the count, not counting groups whose epochs differ
	 */
	public int groupsBehind(List<RedisTier.@Nullable SequenceState> current) {
		int behind = 0;
		for (int group = 0; group < this.trackers.length && group < current.size(); group++) {
			RedisTier.SequenceState state = current.get(group);
			if (state != null && this.trackers[group].lag(state) > 0) {
				behind++;
			}
		}
		return behind;
	}

	private void probe() {
		synchronized (this.applying) {
			this.probed.clear();
		}
		try {
			this.redis.probe(this.probeNonce);
		}
		catch (RuntimeException ex) {
			logger.debug("Subscription probe failed", ex);
		}
	}

	private void resubscribe() {
		this.subscription.stop();
		// If Redis cannot be reached, the next checks try again.
		subscribe();
	}

	/**
	 * A read of Redis's sequences, the groups this process had not caught up with then,
	 * and the ticker's time before it was sent.
	 *
	 * @param states what the read returned, by group
	 * @param waiting the groups not caught up with; emptied as they catch up
	 * @param sentAt the ticker's time before it was sent
	 */
	private record PendingConfirmation(List<RedisTier.@Nullable SequenceState> states, BitSet waiting, long sentAt) {

		/**
		 * A message of a group arrived: whether every group has now caught up with the
		 * read.
		 */
		boolean caughtUp(int group, SequenceTracker tracker) {
			RedisTier.SequenceState state = this.states.get(group);
			if (this.waiting.get(group) && state != null && tracker.caughtUp(state)) {
				this.waiting.clear(group);
			}
			return this.waiting.isEmpty();
		}

	}

}
