package io.tiercache.test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One cluster for the whole class: each test leaves it ok, every master with a replica in
 * sync, whatever roles it swapped.
 */
class EmbeddedRedisClusterTests {

	private static EmbeddedRedisCluster cluster;

	private static RedisClusterClient client;

	private static StatefulRedisClusterConnection<String, String> connection;

	@BeforeAll
	static void startCluster() {
		long started = System.nanoTime();
		cluster = EmbeddedRedisCluster.start();
		System.out.println("Cluster of 6 started in " + millisSince(started) + " ms");
		client = clusterClient(cluster);
		connection = client.connect();
	}

	/**
	 * Learn the roles the previous test left, as an application's client would from its
	 * periodic refresh: a command sent to a former master may wait for a suspended or
	 * killed node.
	 */
	@BeforeEach
	void refreshTopology() {
		client.refreshPartitions();
	}

	@AfterAll
	static void stopCluster() {
		try {
			if (client != null) {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
		finally {
			if (cluster != null) {
				cluster.close();
			}
		}
	}

	@Test
	void threeMastersShareTheSlotsEachWithAReplicaInSync() {
		assertThat(cluster.nodes()).hasSize(6);
		assertThat(cluster.nodesProperty().split(",")).hasSize(6).allMatch((node) -> node.startsWith("127.0.0.1:"));
		List<RedisProcess> masters = cluster.masters();
		assertThat(masters).hasSize(3);
		assertThat(cluster.replicas()).hasSize(3);
		assertThat(cluster.masterOf(0)).isSameAs(masters.get(0));
		assertThat(cluster.masterOf(16383)).isSameAs(masters.get(2));
		for (RedisProcess master : masters) {
			assertThat(master.command("CLUSTER", "INFO")).asString().contains("cluster_state:ok");
			assertThat(master.command("CLUSTER", "MYID")).isEqualTo(cluster.nodeId(master));
			RedisProcess replica = cluster.replicaOf(master);
			assertThat(replica.info("replication", "role")).isEqualTo("slave");
			assertThat(replica.info("replication", "master_port")).isEqualTo(Integer.toString(master.port()));
			assertThat(replica.info("replication", "master_link_status")).isEqualTo("up");
		}
		assertThat(cluster.slotOf("{user:1}.name")).isEqualTo(cluster.slotOf("{user:1}.mail"))
			.isEqualTo(cluster.slotOf("user:1"));
	}

	@Test
	void keysOfEveryMasterAreWrittenAndReadThroughAClusterClient() {
		RedisAdvancedClusterCommands<String, String> commands = connection.sync();
		for (RedisProcess master : cluster.masters()) {
			String key = keyOn(master, "everyMaster");
			assertThat(commands.set(key, "on " + master.port())).isEqualTo("OK");
			assertThat(commands.get(key)).isEqualTo("on " + master.port());
			// the key lives on that master, and nowhere else
			assertThat(master.command("GET", key)).isEqualTo("on " + master.port());
			assertThat(cluster.command(key, "GET", key)).isEqualTo("on " + master.port());
		}
	}

	@Test
	void shardedPubSubDeliversThroughTheCluster() throws InterruptedException {
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		try (StatefulRedisClusterPubSubConnection<String, String> pubSub = client.connectPubSub()) {
			pubSub.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void smessage(String channel, String message) {
					received.add(channel + ":" + message);
				}

			});
			pubSub.sync().ssubscribe("{news}.cluster");
			assertThat(connection.sync().spublish("{news}.cluster", "hello")).isEqualTo(1);
			assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("{news}.cluster:hello");
		}
	}

	@Test
	void aClusterOfOneMasterWithoutReplicasServesEverySlot() {
		try (EmbeddedRedisCluster single = EmbeddedRedisCluster.start(1, 0)) {
			assertThat(single.nodes()).hasSize(1);
			assertThat(single.masters()).hasSize(1);
			assertThat(single.replicas()).isEmpty();
			assertThat(single.masterOf(0)).isSameAs(single.masterOf(16383));
			RedisClusterClient singleClient = clusterClient(single);
			try (StatefulRedisClusterConnection<String, String> singleConnection = singleClient.connect()) {
				singleConnection.sync().set("a", "1");
				singleConnection.sync().set("b", "2");
				assertThat(singleConnection.sync().mget("a", "b")).hasSize(2);
				single.flushAll();
				assertThat(singleConnection.sync().dbsize()).isZero();
			}
			finally {
				singleClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void killMasterPromotesTheReplicaWhichKeepsWhatWasReplicated() {
		String key = "{killMaster}.kept";
		int slot = cluster.slotOf(key);
		connection.sync().set(key, "before the crash");
		RedisProcess master = cluster.masterOf(slot);
		RedisProcess replica = cluster.replicaOf(master);
		long killed = System.nanoTime();
		RedisProcess promoted = cluster.killMaster(slot);
		System.out.println("killMaster: replica promoted in " + millisSince(killed) + " ms");
		assertThat(promoted).isSameAs(replica).isSameAs(cluster.masterOf(slot));
		assertThat(master.isRunning()).isFalse();
		assertThat(promoted.info("replication", "role")).isEqualTo("master");
		assertThat(cluster.masters()).hasSize(3).contains(promoted).doesNotContain(master);
		assertThat(promoted.command("CLUSTER", "INFO")).asString().contains("cluster_state:ok");
		// what an application's client does by itself on a refresh trigger
		client.refreshPartitions();
		assertThat(connection.sync().get(key)).isEqualTo("before the crash");
		assertThat(connection.sync().set(key, "after the crash")).isEqualTo("OK");
		// the next tests need a replica for every master again
		cluster.rejoin(master);
	}

	@Test
	void failOverLosingWritesPromotesAReplicaWithoutThem() {
		String kept = "{lost}.kept";
		String lost = "{lost}.acknowledged";
		int slot = cluster.slotOf(kept);
		connection.sync().set(kept, "replicated");
		RedisProcess master = cluster.masterOf(slot);
		RedisProcess replica = cluster.replicaOf(master);
		long started = System.nanoTime();
		RedisProcess promoted = cluster.failOverLosingWrites(slot, () -> {
			assertThat(replica.isSuspended()).isTrue();
			assertThat(connection.sync().set(lost, "acknowledged")).isEqualTo("OK");
			assertThat(master.command("GET", lost)).isEqualTo("acknowledged");
		});
		System.out.println("failOverLosingWrites: replica promoted in " + millisSince(started) + " ms");
		assertThat(promoted).isSameAs(replica).isSameAs(cluster.masterOf(slot));
		assertThat(replica.isSuspended()).isFalse();
		assertThat(master.isRunning()).isFalse();
		assertThat(promoted.command("GET", kept)).isEqualTo("replicated");
		assertThat(promoted.command("GET", lost)).isNull();
		client.refreshPartitions();
		assertThat(connection.sync().get(lost)).isNull();
		cluster.rejoin(master);
	}

	@Test
	void gracefulFailoverSwapsTheRolesAndKeepsTheKeys() {
		String key = "{graceful}.kept";
		int slot = cluster.slotOf(key);
		connection.sync().set(key, "before");
		RedisProcess master = cluster.masterOf(slot);
		RedisProcess replica = cluster.replicaOf(master);
		long started = System.nanoTime();
		assertThat(cluster.gracefulFailover(slot)).isSameAs(replica);
		System.out.println("gracefulFailover: roles swapped in " + millisSince(started) + " ms");
		assertThat(cluster.masterOf(slot)).isSameAs(replica);
		assertThat(cluster.replicaOf(replica)).isSameAs(master);
		assertThat(master.info("replication", "role")).isEqualTo("slave");
		assertThat(master.info("replication", "master_port")).isEqualTo(Integer.toString(replica.port()));
		assertThat(replica.command("GET", key)).isEqualTo("before");
		client.refreshPartitions();
		assertThat(connection.sync().get(key)).isEqualTo("before");
	}

	@Test
	void migrateSlotMovesTheSlotAndItsKeys() {
		String tag = "{migrate}";
		int slot = cluster.slotOf(tag);
		RedisProcess source = cluster.masterOf(slot);
		RedisProcess target = cluster.masters().stream().filter((master) -> master != source).findFirst().get();
		// more than a batch of MIGRATE
		for (int i = 0; i < 250; i++) {
			connection.sync().set(tag + i, "value " + i);
		}
		cluster.migrateSlot(slot, target);
		assertThat(cluster.masterOf(slot)).isSameAs(target);
		assertThat(target.command("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isEqualTo(250L);
		assertThat(source.command("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isEqualTo(0L);
		assertThat(cluster.replicaOf(target).info("replication", "master_link_status")).isEqualTo("up");
		// no refresh: the client follows MOVED
		for (int i = 0; i < 250; i++) {
			assertThat(connection.sync().get(tag + i)).isEqualTo("value " + i);
		}
		assertThat(connection.sync().set(tag + "new", "on the target")).isEqualTo("OK");
		assertThat(target.command("GET", tag + "new")).isEqualTo("on the target");
	}

	@Test
	void restartNodeKeepsItsIdItsRoleAndItsKeys() {
		String key = "{restart}.kept";
		int slot = cluster.slotOf(key);
		connection.sync().set(key, "before");
		RedisProcess master = cluster.masterOf(slot);
		RedisProcess replica = cluster.replicaOf(master);
		String masterRunId = master.info("server", "run_id");
		long started = System.nanoTime();
		cluster.restartNode(replica);
		System.out.println("restartNode: replica back in sync in " + millisSince(started) + " ms");
		started = System.nanoTime();
		cluster.restartNode(master);
		System.out.println("restartNode: master back in " + millisSince(started) + " ms");
		assertThat(master.info("server", "run_id")).isNotEqualTo(masterRunId);
		assertThat(master.command("CLUSTER", "MYID")).isEqualTo(cluster.nodeId(master));
		assertThat(replica.command("CLUSTER", "MYID")).isEqualTo(cluster.nodeId(replica));
		assertThat(cluster.masterOf(slot)).isSameAs(master);
		assertThat(cluster.replicaOf(master)).isSameAs(replica);
		assertThat(master.command("GET", key)).isEqualTo("before");
		assertThat(connection.sync().get(key)).isEqualTo("before");
	}

	@Test
	void rejoinMakesTheKilledMasterAReplicaOfThePromotedOne() {
		String key = "{rejoin}.kept";
		int slot = cluster.slotOf(key);
		connection.sync().set(key, "before");
		RedisProcess master = cluster.masterOf(slot);
		String id = cluster.nodeId(master);
		RedisProcess promoted = cluster.killMaster(slot);
		long started = System.nanoTime();
		cluster.rejoin(master);
		System.out.println("rejoin: old master in sync as a replica in " + millisSince(started) + " ms");
		assertThat(master.isRunning()).isTrue();
		assertThat(master.command("CLUSTER", "MYID")).isEqualTo(id);
		assertThat(master.info("replication", "role")).isEqualTo("slave");
		assertThat(master.info("replication", "master_port")).isEqualTo(Integer.toString(promoted.port()));
		assertThat(cluster.replicaOf(promoted)).isSameAs(master);
		assertThat(cluster.masterOf(slot)).isSameAs(promoted);
		assertThat(cluster.masters()).hasSize(3);
		assertThat(cluster.replicas()).hasSize(3);
	}

	/** A key of the test's own that the given master owns. */
	private static String keyOn(RedisProcess master, String prefix) {
		for (int i = 0;; i++) {
			String key = prefix + ":" + i;
			if (cluster.masterOf(cluster.slotOf(key)) == master) {
				return key;
			}
		}
	}

	private static RedisClusterClient clusterClient(EmbeddedRedisCluster cluster) {
		List<RedisURI> seeds = Arrays.stream(cluster.nodesProperty().split(","))
			.map((node) -> RedisURI.Builder
				.redis(node.substring(0, node.indexOf(':')), Integer.parseInt(node.substring(node.indexOf(':') + 1)))
				.withTimeout(Duration.ofSeconds(10))
				.build())
			.toList();
		return RedisClusterClient.create(seeds);
	}

	private static long millisSince(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
	}

}
