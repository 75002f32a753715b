package io.tiercache.consistency;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Small numbers for Redis epochs, shared by every instance of a run, so that the history
 * stores an int per event rather than a string.
 */
final class Epochs {

	private final Map<String, Integer> ids = new ConcurrentHashMap<>();

	private final List<String> names = new CopyOnWriteArrayList<>();

	int id(String epoch) {
		Integer id = this.ids.get(epoch);
		return (id != null) ? id : register(epoch);
	}

	private synchronized int register(String epoch) {
		return this.ids.computeIfAbsent(epoch, (key) -> {
			this.names.add(key);
			return this.names.size() - 1;
		});
	}

	String name(int id) {
		return (id >= 0 && id < this.names.size()) ? this.names.get(id) : "?";
	}

}
