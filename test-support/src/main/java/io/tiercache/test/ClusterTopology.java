package io.tiercache.test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import io.lettuce.core.cluster.SlotHash;

/**
 * One node's view of a Redis Cluster, parsed from its {@code CLUSTER NODES}: the nodes it
 * knows, the master owning each slot, the master each replica follows, and the nodes it
 * holds as failing. Views differ while the cluster reconfigures, so
 * {@link EmbeddedRedisCluster} compares their {@link #layout()} until all agree.
 */
final class ClusterTopology {

	private final Map<String, Node> nodes;

	private final String[] owners;

	private ClusterTopology(Map<String, Node> nodes, String[] owners) {
		this.nodes = nodes;
		this.owners = owners;
	}

	/**
	 * Parse a reply of {@code CLUSTER NODES}: a line per node of
	 * {@code id ip:port@busport[,hostname] flags master ping-sent pong-received epoch link slot...},
	 * where a slot is {@code n}, {@code from-to}, or a bracketed migration in progress.
	 * @param reply the reply
	 * @return the view it gives
	 */
	static ClusterTopology parse(String reply) {
		Map<String, Node> nodes = new LinkedHashMap<>();
		String[] owners = new String[SlotHash.SLOT_COUNT];
		for (String line : reply.split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length < 8) {
				continue;
			}
			String id = fields[0];
			String address = fields[1];
			int at = address.indexOf('@');
			String port = address.substring(address.lastIndexOf(':', at) + 1, at);
			int slots = 0;
			for (int i = 8; i < fields.length; i++) {
				// "[slot->-id]" and "[slot-<-id]" mark a slot being migrated: its owner
				// is
				// listed as usual
				if (fields[i].startsWith("[")) {
					continue;
				}
				int dash = fields[i].indexOf('-');
				int from = Integer.parseInt((dash < 0) ? fields[i] : fields[i].substring(0, dash));
				int to = (dash < 0) ? from : Integer.parseInt(fields[i].substring(dash + 1));
				for (int slot = from; slot <= to; slot++) {
					owners[slot] = id;
				}
				slots += to - from + 1;
			}
			nodes.put(id, new Node(id, Integer.parseInt(port), Set.of(fields[2].split(",")),
					"-".equals(fields[3]) ? null : fields[3], "connected".equals(fields[7]), slots));
		}
		return new ClusterTopology(nodes, owners);
	}

	/** Every node it knows, the failing ones too. */
	Collection<Node> nodes() {
		return this.nodes.values();
	}

	/**
	 * The node of the given id.
	 * @param id its id
	 * @return the node, or {@code null} if unknown
	 */
	Node node(String id) {
		return this.nodes.get(id);
	}

	/**
	 * The id of the master owning a slot.
	 * @param slot the slot
	 * @return its id, or {@code null} if no master owns it
	 */
	String ownerOf(int slot) {
		return this.owners[slot];
	}

	/**
	 * The first slot a master owns, to list masters in the order of their slots.
	 * @param id the master's id
	 * @return the slot, or {@link SlotHash#SLOT_COUNT} if it owns none
	 */
	int firstSlotOf(String id) {
		for (int slot = 0; slot < this.owners.length; slot++) {
			if (id.equals(this.owners[slot])) {
				return slot;
			}
		}
		return SlotHash.SLOT_COUNT;
	}

	/**
	 * What every node's view holds once the cluster has settled: each node's role and
	 * master, and the owner of each range of slots. Not failure flags nor links, which a
	 * node sees for itself.
	 * @return a description to compare with other views'
	 */
	String layout() {
		StringBuilder layout = new StringBuilder();
		Map<String, Node> byId = new TreeMap<>(this.nodes);
		for (Node node : byId.values()) {
			layout.append(node.id())
				.append(node.isMaster() ? " master " : " replica of ")
				.append(node.masterId())
				.append('\n');
		}
		List<String> ranges = new ArrayList<>();
		int from = 0;
		for (int slot = 1; slot <= this.owners.length; slot++) {
			if (slot == this.owners.length || !Objects.equals(this.owners[slot], this.owners[from])) {
				ranges.add(from + "-" + (slot - 1) + " " + this.owners[from]);
				from = slot;
			}
		}
		return layout.append(String.join("\n", ranges)).toString();
	}

	/**
	 * One node as a view sees it.
	 *
	 * @param id its id, the same across restarts
	 * @param port its client port
	 * @param flags such as {@code myself}, {@code master}, {@code slave}, {@code fail?}
	 * (suspected), {@code fail} (agreed) or {@code handshake}
	 * @param masterId the id of the master it replicates, {@code null} for a master
	 * @param connected whether the viewing node's link to it is up
	 * @param slots how many slots it owns
	 */
	record Node(String id, int port, Set<String> flags, String masterId, boolean connected, int slots) {

		boolean isMaster() {
			return this.flags.contains("master");
		}

		boolean isReplica() {
			return this.flags.contains("slave");
		}

		/**
		 * Whether the viewing node holds it as reachable and fully known: neither failing
		 * nor suspected, nor still in the handshake of a {@code CLUSTER MEET}.
		 */
		boolean isHealthy() {
			return this.connected && !this.flags.contains("fail") && !this.flags.contains("fail?")
					&& !this.flags.contains("handshake") && !this.flags.contains("noaddr");
		}

	}

}
