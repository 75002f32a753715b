package io.tiercache.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;

import org.springframework.context.annotation.Bean;

/**
 * A cached method and its invalidation, counting the calls that reach the method: the
 * smallest application the auto-configuration tests start (with
 * {@link PricesService.Configuration}).
 */
public class PricesService {

	private final AtomicInteger invocations = new AtomicInteger();

	@Cached(name = "prices", ttl = "1h", tags = "'price:' + #id")
	public long price(long id) {
		this.invocations.incrementAndGet();
		return id * 100;
	}

	@InvalidatesTags("'price:' + #id")
	public void change(long id) {
	}

	/** How many calls reached {@link #price(long)}. */
	public int invocations() {
		return this.invocations.get();
	}

	/** Declares the service as a bean; not scanned, so tests add it by hand. */
	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	public static class Configuration {

		@Bean
		PricesService pricesService() {
			return new PricesService();
		}

	}

}
