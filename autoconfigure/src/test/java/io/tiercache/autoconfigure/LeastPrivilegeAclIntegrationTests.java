package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisProcess;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tiercache under the least-privilege ACL of docs/SECURITY.md, on a real Redis: it
 * starts, caches, invalidates across instances and recovers from a killed subscription;
 * with a right missing, it still starts and answers, and health and metrics say what is
 * wrong.
 */
class LeastPrivilegeAclIntegrationTests {

	// Its own server: the ACL users outlive a flush
	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	/** The commands tiercache sends, directly and from its scripts. */
	static final List<String> COMMANDS = List.of("+del", "+eval", "+evalsha", "+get", "+hincrby", "+hmget", "+hset",
			"+info", "+pexpire", "+ping", "+pttl", "+publish", "+set", "+strlen", "+subscribe", "+time", "+unlink",
			"+unsubscribe");

	/** What tiercache.redis.replica-acks adds: WAIT, and CLIENT INFO around it. */
	static final List<String> REPLICA_ACK_COMMANDS = List.of("+wait", "+client|info");

	private static final String[] REPLICA_ACKS = { "tiercache.redis.replica-acks=1",
			"tiercache.redis.replica-ack-timeout=1s", "tiercache.redis.command-timeout=2s" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class, TierCacheActuatorAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"spring.data.redis.username=tiercache", "spring.data.redis.password=tc-password",
				"tiercache.fanout.check-interval=100ms", "tiercache.redis.breaker.open-duration=100ms")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withUserConfiguration(PricesService.Configuration.class);

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void startsCachesInvalidatesAcrossInstancesAndRecoversUnderTheAcl() {
		setUser(COMMANDS);
		this.contextRunner.run((first) -> this.contextRunner.run((second) -> {
			assertThat(first).hasNotFailed();
			PricesService a = first.getBean(PricesService.class);
			PricesService b = second.getBean(PricesService.class);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(health(first)).isEqualTo(Status.UP));
			assertThat(a.price(1)).isEqualTo(100);
			assertThat(b.price(1)).isEqualTo(100);
			assertThat(a.invocations() + b.invocations()).as("the second read Redis").isEqualTo(1);
			a.change(1);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				b.price(1);
				assertThat(b.invocations()).as("the invalidation reached the other instance").isEqualTo(1);
			});
			assertThat(redis.killClients("pubsub")).isPositive();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(health(second)).isEqualTo(Status.UP));
			a.change(1);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				b.price(1);
				assertThat(b.invocations()).as("and after the subscription was killed").isEqualTo(2);
			});
			assertThat(first.getBean(MeterRegistry.class).find("tiercache.redis.errors").counters())
				.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		}));
	}

	@Test
	void withoutPublishItStartsAndAnswersAndHealthAndMetricsSaySo() {
		List<String> withoutPublish = new ArrayList<>(COMMANDS);
		withoutPublish.remove("+publish");
		setUser(withoutPublish);
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			PricesService service = context.getBean(PricesService.class);
			assertThat(service.price(1)).isEqualTo(100);
			service.change(1);
			assertThat(service.price(1)).as("read-your-writes holds without Redis").isEqualTo(100);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(meters.counter("tiercache.redis.errors", "operation", "invalidate").count()).isPositive();
				// One snapshot: a retry in flight is briefly not counted as pending
				Health health = context.getBean(TierCacheHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("invalidations");
			});
		});
	}

	@Test
	void replicaAcksWorkWithWaitAndClientInfoGranted() {
		List<String> withWait = new ArrayList<>(COMMANDS);
		withWait.addAll(REPLICA_ACK_COMMANDS);
		setUser(withWait);
		try (RedisProcess replica = replica()) {
			this.contextRunner.withPropertyValues(REPLICA_ACKS).run((context) -> {
				assertThat(context).hasNotFailed();
				PricesService service = context.getBean(PricesService.class);
				assertThat(service.price(1)).isEqualTo(100);
				service.change(1);
				TieredStore store = context.getBean(TieredStore.class);
				assertThat(store.pendingInvalidations()).as("acknowledged by the replica").isZero();
				assertThat(replica.command("GET", "{tc:v1}:t:price:1"))
					.isEqualTo(redis.command("GET", "{tc:v1}:t:price:1"));
				assertThat(context.getBean(MeterRegistry.class).find("tiercache.redis.errors").counters())
					.allSatisfy((counter) -> assertThat(counter.count()).isZero());
			});
		}
	}

	@Test
	void replicaAcksWithoutWaitStartAnswerKeepTheLocalTierAndSaySo() {
		List<String> withoutWait = new ArrayList<>(COMMANDS);
		withoutWait.add("+client|info");
		setUser(withoutWait);
		try (RedisProcess replica = replica()) {
			this.contextRunner.withPropertyValues(REPLICA_ACKS).run((context) -> {
				assertThat(context).hasNotFailed();
				PricesService service = context.getBean(PricesService.class);
				assertThat(service.price(1)).isEqualTo(100);
				service.change(1);
				TieredStore store = context.getBean(TieredStore.class);
				assertThat(store.pendingInvalidations()).as("WAIT refused: not acknowledged").isOne();
				Health health = context.getBean(TierCacheHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("invalidations");
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				Counter refusals = meters.counter("tiercache.redis.errors", "operation", "replica-ack");
				assertThat(refusals.count()).isPositive();
				// Redis answered every call: the breaker stays closed, the local tier
				// serves, and the application's successful calls do not make the retry
				// send the invalidation again and again.
				int before = service.invocations();
				long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
				while (System.nanoTime() - end < 0) {
					assertThat(service.price(2)).isEqualTo(200);
				}
				assertThat(service.invocations() - before).as("served from the local tier").isOne();
				assertThat(refusals.count()).as("sent again with a backoff only").isLessThan(8);
				assertThat(meters.counter("tiercache.redis.errors", "operation", "read").count()).isZero();
			});
		}
	}

	private static Status health(org.springframework.context.ApplicationContext context) {
		return context.getBean(TierCacheHealthIndicator.class).health(true).getStatus();
	}

	/** A replica of the test's server, in sync. */
	private static RedisProcess replica() {
		RedisProcess replica = RedisProcess.start("replicaof " + redis.host() + " " + redis.port());
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "up".equals(replica.info("replication", "master_link_status")));
		return replica;
	}

	private static void setUser(List<String> commands) {
		redis.command("ACL", "DELUSER", "tiercache");
		List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", "tiercache", "on", ">tc-password", "resetkeys",
				"~{tc:v1}:*", "resetchannels", "&{tc:v1}:invalidations", "-@all"));
		args.addAll(commands);
		redis.command(args.toArray(String[]::new));
	}

}
