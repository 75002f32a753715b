package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.redis.LayoutCheck;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Processes of one namespace that split the invalidation state into different numbers of
 * slot groups use different keys and channels for the same tag, so neither hears the
 * other's invalidations. The first to reach Redis records its layout; a process with
 * another one caches nothing, says so once, and reports {@code DOWN}.
 */
class SlotGroupLayoutIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private final List<StoreFixture> fixtures = new ArrayList<>();

	private final AtomicInteger loads = new AtomicInteger();

	private final ListAppender<ILoggingEvent> errors = new ListAppender<>();

	private final Logger logger = (Logger) LoggerFactory.getLogger(LayoutCheck.class);

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.errors.start();
		this.logger.addAppender(this.errors);
	}

	@AfterEach
	void tearDown() {
		this.fixtures.forEach(StoreFixture::close);
		this.logger.detachAppender(this.errors);
	}

	@Test
	void aProcessWithAnotherLayoutThanTheRecordedOneCachesNothingAndSaysSo() throws Throwable {
		StoreFixture first = fixture(UnaryOperator.identity());
		awaitUp(first);
		assertThat(redis.command("GET", "{tc:v1}:layout")).isEqualTo("slot-groups=1");
		StoreFixture other = fixture((options) -> options.slotGroups(4));
		TierCacheHealthIndicator health = new TierCacheHealthIndicator(other.store, other.subscriber);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			Health status = health.health(true);
			assertThat(status.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) status.getDetails().get("layout")).contains("'slot-groups=1'", "'slot-groups=4'");
		});
		for (int i = 0; i < 3; i++) {
			assertThat(read(other, 1)).isEqualTo("product 1");
		}
		assertThat(this.loads).as("every call answered by the method").hasValue(3);
		assertThat(redis.command("KEYS", "{tc:v1:e:*")).as("nothing stored in its layout").isEqualTo(List.of());
		assertThat(other.events.redisErrors("layout")).isPositive();
		// The first process is unaffected, and caches
		assertThat(read(first, 1)).isEqualTo("product 1");
		assertThat(read(first, 1)).isEqualTo("product 1");
		assertThat(this.loads).hasValue(4);
		assertThat(this.errors.list).filteredOn((event) -> event.getLevel() == Level.ERROR)
			.singleElement()
			.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("{tc:v1}:layout",
					"tiercache.redis.slot-groups", "tiercache.namespace"));
	}

	@Test
	void processesOfOneLayoutAgree() throws Throwable {
		StoreFixture a = fixture((options) -> options.slotGroups(4));
		StoreFixture b = fixture((options) -> options.slotGroups(4));
		awaitUp(a);
		awaitUp(b);
		assertThat(redis.command("GET", "{tc:v1}:layout")).isEqualTo("slot-groups=4");
		assertThat(a.store.layout().conflict()).isNull();
		assertThat(b.store.layout().conflict()).isNull();
		assertThat(read(b, 1)).isEqualTo("product 1");
		assertThat(read(b, 1)).isEqualTo("product 1");
		assertThat(this.loads).hasValue(1);
		assertThat(this.errors.list).isEmpty();
	}

	private void awaitUp(StoreFixture fixture) {
		TierCacheHealthIndicator health = new TierCacheHealthIndicator(fixture.store, fixture.subscriber);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(health.health(true).getStatus()).isEqualTo(Status.UP));
	}

	private StoreFixture fixture(UnaryOperator<StoreOptions.Builder> options) {
		StoreFixture fixture = new StoreFixture(TestRedisConfigurations.of(redis), options, Duration.ofMillis(100));
		this.fixtures.add(fixture);
		return fixture;
	}

	private Object read(StoreFixture fixture, long id) throws Throwable {
		TieredCache cache = fixture.cache("products", String.class);
		return cache.get(id, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return "product " + id;
		}, "product:" + id));
	}

}
