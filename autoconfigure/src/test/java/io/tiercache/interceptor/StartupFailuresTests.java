package io.tiercache.interceptor;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.Jitter;
import io.tiercache.store.TieredStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that invalid annotations fail when the bean is created, with a message naming the
 * method.
 */
class StartupFailuresTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
		.withUserConfiguration(TierCacheConfiguration.class);

	@Test
	void validAnnotationsStartAndProxyTheBean() {
		this.contextRunner.withBean(ValidService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(AopUtils.isAopProxy(context.getBean(ValidService.class))).isTrue();
		});
	}

	@Test
	void unparsableKeyFails() {
		assertStartupFailure(UnparsableKeyService.class, "find(long)", "key expression '#id +' cannot be parsed");
	}

	@Test
	void unparsableTagFails() {
		assertStartupFailure(UnparsableTagService.class, "find(long)",
				"tag expression ''product:' +' cannot be parsed");
	}

	@Test
	void unparsableConditionFails() {
		assertStartupFailure(UnparsableConditionService.class, "find(long)",
				"condition expression '#id >' cannot be parsed");
	}

	@Test
	void unparsableUnlessFails() {
		assertStartupFailure(UnparsableUnlessService.class, "find(long)",
				"unless expression '#result ==' cannot be parsed");
	}

	@Test
	void unparsableInvalidatedTagFails() {
		assertStartupFailure(UnparsableInvalidationService.class, "update(long)",
				"tag expression ''product:' +' cannot be parsed");
	}

	@Test
	void badTtlFails() {
		assertStartupFailure(BadTtlService.class, "find(long)", "ttl '10 minutes' is not a duration");
	}

	@Test
	void badNullTtlFails() {
		assertStartupFailure(BadNullTtlService.class, "find(long)", "nullTtl 'soon' is not a duration");
	}

	@Test
	void badJitterFails() {
		assertStartupFailure(BadJitterService.class, "find(long)", "jitter 'lots' is not a duration");
	}

	@Test
	void negativeJitterFails() {
		assertStartupFailure(NegativeJitterService.class, "find(long)", "jitter '-5s' must not be negative");
	}

	@Test
	void negativePercentageJitterFails() {
		assertStartupFailure(NegativePercentageJitterService.class, "find(long)",
				"jitter '-10%' must be between 0% and 100%");
	}

	@Test
	void fixedJitterLargerThanTtlFails() {
		assertStartupFailure(JitterAboveTtlService.class,
				"find(long) of cache '" + JitterAboveTtlService.class.getSimpleName() + ".find'",
				"jitter PT1M exceeds its ttl PT10S");
	}

	@Test
	void ttlAboveMaxTtlFails() {
		assertStartupFailure(TtlAboveMaxService.class,
				"find(long) of cache '" + TtlAboveMaxService.class.getSimpleName() + ".find'",
				"ttl PT2H exceeds tiercache.max-ttl PT1H");
	}

	@Test
	void ttlPlusStaleWhileRevalidateAboveMaxTtlFails() {
		assertStartupFailure(StaleBeyondMaxService.class,
				"find(long) of cache '" + StaleBeyondMaxService.class.getSimpleName() + ".find'",
				"ttl PT50M plus staleWhileRevalidate PT20M exceeds tiercache.max-ttl PT1H");
	}

	@Test
	void nullTtlAboveMaxTtlFails() {
		assertStartupFailure(NullTtlAboveMaxService.class,
				"find(long) of cache '" + NullTtlAboveMaxService.class.getSimpleName() + ".find'",
				"nullTtl PT2H exceeds tiercache.max-ttl PT1H");
	}

	@Test
	void zeroTtlFails() {
		assertStartupFailure(ZeroTtlService.class, "find(long)", "ttl PT0S must be greater than zero");
	}

	@Test
	void cachedVoidMethodFails() {
		assertStartupFailure(VoidCachedService.class, "find(long)", "a void method has no result to cache");
	}

	@Test
	void cachedPrivateMethodFails() {
		assertStartupFailure(PrivateMethodService.class, "find(long)",
				"the method is private, so a proxy cannot intercept it");
	}

	@Test
	void cachedFinalMethodFails() {
		assertStartupFailure(FinalMethodService.class, "find(long)",
				"the method is final, so a proxy cannot intercept it");
	}

	@Test
	void cachedStaticMethodFails() {
		assertStartupFailure(StaticMethodService.class, "find(long)",
				"the method is static, so a proxy cannot intercept it");
	}

	@Test
	void invalidatesTagsOnPrivateMethodFails() {
		assertStartupFailure(PrivateInvalidationService.class, "update(long)",
				"the method is private, so a proxy cannot intercept it");
	}

	@Test
	void invalidatesTagsWithoutTagsFails() {
		assertStartupFailure(EmptyInvalidationService.class, "update(long)", "no tags are given");
	}

	@Test
	void invalidatedTagUsingResultOfVoidMethodFails() {
		assertStartupFailure(ResultOfVoidInvalidationService.class, "update(long)",
				"tag expression '#result.id' uses #result but the method returns void");
	}

	@Test
	void resultInKeyFails() {
		assertStartupFailure(ResultInKeyService.class, "find(long)",
				"key expression '#result.id' must not use #result");
	}

	@Test
	void resultInConditionFails() {
		assertStartupFailure(ResultInConditionService.class, "find(long)",
				"condition expression '#result != null' must not use #result");
	}

	@Test
	void sameCacheNameWithDifferentReturnTypesFails() {
		// Which of the two methods is parsed first depends on reflection order
		assertStartupFailure(SharedNameService.class, "(long)", "cache 'shared' returns java.lang.",
				"SharedNameService.find(long)", "SharedNameService.count(long)", "java.lang.String",
				"java.lang.Integer", "give them distinct names");
	}

	@Test
	void plainFutureResultFails() {
		assertStartupFailure(CompletableFutureService.class, "find(long)",
				"return type java.util.concurrent.Future is not supported: declare CompletableFuture<T>");
	}

	@Test
	void reactiveResultFails() {
		assertStartupFailure(MonoService.class, "find(long)",
				"return type reactor.core.publisher.Mono is not supported");
	}

	@Test
	void aMisspeltParameterNameFails() {
		assertStartupFailure(MisspeltKeyService.class, "find(long)",
				"key expression '#idd' uses #idd, but no parameter of the method is called idd; its parameters are #id");
	}

	@Test
	void parameterNamesMissingFromTheBytecodeFailNamingTheCompilerFlag(@TempDir Path classes) throws Exception {
		// As a build on Spring Boot's BOM alone compiles: without -parameters.
		try (URLClassLoader loader = compileWithoutParameterNames(classes)) {
			Class<?> byName = loader.loadClass("fixture.PriceService");
			Method quote = byName.getMethod("quote", String.class);
			assertThat(quote.getParameters()[0].isNamePresent()).as("compiled without names").isFalse();
			this.contextRunner.withClassLoader(loader).withBean(byName).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("fixture.PriceService.quote(String)")
					.hasMessageContaining("uses #sku, but parameter names are not available")
					.isInstanceOfSatisfying(InvalidAnnotationException.class, (ex) -> assertThat(ex.getAction())
						.isEqualTo(
								"Compile with -parameters, or refer to the arguments as #p0, #p1, ... in the expression."));
			});
			this.contextRunner.withClassLoader(loader)
				.withBean(loader.loadClass("fixture.IndexedPriceService"))
				.run((context) -> assertThat(context).as("#p0 needs no names").hasNotFailed());
		}
	}

	private static URLClassLoader compileWithoutParameterNames(Path classes) throws Exception {
		Path sources = Files.createDirectories(classes.resolve("src/fixture"));
		Path named = Files.writeString(sources.resolve("PriceService.java"), """
				package fixture;
				public class PriceService {
					@io.tiercache.annotation.Cached(name = "prices", tags = "'sku:' + #sku")
					public String quote(String sku) {
						return sku;
					}
				}
				""");
		Path indexed = Files.writeString(sources.resolve("IndexedPriceService.java"), """
				package fixture;
				public class IndexedPriceService {
					@io.tiercache.annotation.Cached(name = "indexed-prices", tags = "'sku:' + #p0")
					public String quote(String sku) {
						return sku;
					}
				}
				""");
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		// Where the annotations are: the class path of a forked test JVM may be a
		// manifest-only jar.
		String classPath = Path.of(Cached.class.getProtectionDomain().getCodeSource().getLocation().toURI())
				+ File.pathSeparator + System.getProperty("java.class.path");
		int status = compiler.run(null, null, null, "-classpath", classPath, "-d", classes.toString(), named.toString(),
				indexed.toString());
		assertThat(status).as("fixture compiled").isZero();
		return new URLClassLoader(new URL[] { classes.toUri().toURL() }, StartupFailuresTests.class.getClassLoader());
	}

	@Test
	void anArgumentIndexBeyondTheParametersFails() {
		assertStartupFailure(IndexBeyondService.class, "update(long)", "tag expression ''p:' + #p1' uses #p1");
	}

	@Test
	void everyVariableAnEvaluationDefinesStarts() {
		this.contextRunner.withBean(DefinedVariablesService.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aKeyObjectThatCannotTellItsValuesApartFails() {
		assertStartupFailure(OpaqueKeyService.class, "find(Query)", "parameter #query cannot be part of a cache key",
				Query.class.getName() + " is neither a value type nor a record", "key = \"#query.id\"");
	}

	@Test
	void aRecordKeyWithAnOpaqueComponentFails() {
		assertStartupFailure(OpaqueComponentService.class, "find(Search)",
				"component 'query' of record " + Search.class.getName());
	}

	@Test
	void methodsSharingACacheWithKeysOfOtherTypesFail() {
		assertStartupFailure(SharedCacheOtherKeysService.class, "(", "cache 'products'",
				"keys must be of the same types");
	}

	@Test
	void keysThatRenderApartStart() {
		this.contextRunner.withBean(RenderableKeysService.class).run((context) -> assertThat(context).hasNotFailed());
	}

	private void assertStartupFailure(Class<?> beanClass, String method, String... problems) {
		this.contextRunner.withBean(beanClass).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(beanClass.getName() + ".")
				.hasMessageContaining(method)
				.hasMessageContainingAll(problems);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class TierCacheConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		TierCacheOperationSource tierCacheOperationSource() {
			return new TierCacheOperationSource(
					new TierCacheDefaults(Duration.ofMinutes(10), Jitter.NONE, Duration.ofHours(1)));
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		TierCacheInterceptor tierCacheInterceptor(TierCacheOperationSource tierCacheOperationSource) {
			return new TierCacheInterceptor(tierCacheOperationSource, StartupFailuresTests::noStore);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		TierCacheAdvisor tierCacheAdvisor(TierCacheOperationSource tierCacheOperationSource,
				TierCacheInterceptor tierCacheInterceptor) {
			return new TierCacheAdvisor(tierCacheOperationSource, tierCacheInterceptor);
		}

	}

	private static TieredStore noStore() {
		throw new AssertionError("Startup must not use the store");
	}

	static class ValidService {

		@Cached(ttl = "5m", jitter = "10%", tags = "'product:' + #id", condition = "#id > 0",
				unless = "#result == null")
		public String find(long id) {
			return "product";
		}

		@InvalidatesTags("'product:' + #id")
		public void update(long id) {
		}

	}

	static class UnparsableKeyService {

		@Cached(key = "#id +")
		public String find(long id) {
			return "product";
		}

	}

	static class UnparsableTagService {

		@Cached(tags = "'product:' +")
		public String find(long id) {
			return "product";
		}

	}

	static class UnparsableConditionService {

		@Cached(condition = "#id >")
		public String find(long id) {
			return "product";
		}

	}

	static class UnparsableUnlessService {

		@Cached(unless = "#result ==")
		public String find(long id) {
			return "product";
		}

	}

	static class UnparsableInvalidationService {

		@InvalidatesTags("'product:' +")
		public void update(long id) {
		}

	}

	static class BadTtlService {

		@Cached(ttl = "10 minutes")
		public String find(long id) {
			return "product";
		}

	}

	static class BadNullTtlService {

		@Cached(nullTtl = "soon")
		public String find(long id) {
			return "product";
		}

	}

	static class BadJitterService {

		@Cached(jitter = "lots")
		public String find(long id) {
			return "product";
		}

	}

	static class NegativeJitterService {

		@Cached(jitter = "-5s")
		public String find(long id) {
			return "product";
		}

	}

	static class NegativePercentageJitterService {

		@Cached(jitter = "-10%")
		public String find(long id) {
			return "product";
		}

	}

	static class JitterAboveTtlService {

		@Cached(ttl = "10s", jitter = "1m")
		public String find(long id) {
			return "product";
		}

	}

	static class TtlAboveMaxService {

		@Cached(ttl = "2h")
		public String find(long id) {
			return "product";
		}

	}

	static class StaleBeyondMaxService {

		@Cached(ttl = "50m", staleWhileRevalidate = "20m")
		public String find(long id) {
			return "product";
		}

	}

	static class NullTtlAboveMaxService {

		@Cached(nullTtl = "2h")
		public String find(long id) {
			return "product";
		}

	}

	static class ZeroTtlService {

		@Cached(ttl = "0s")
		public String find(long id) {
			return "product";
		}

	}

	static class VoidCachedService {

		@Cached
		public void find(long id) {
		}

	}

	static class PrivateMethodService {

		public String get(long id) {
			return find(id);
		}

		@Cached
		private String find(long id) {
			return "product";
		}

	}

	static class FinalMethodService {

		@Cached
		public final String find(long id) {
			return "product";
		}

	}

	static class StaticMethodService {

		@Cached
		public static String find(long id) {
			return "product";
		}

	}

	static class PrivateInvalidationService {

		public void change(long id) {
			update(id);
		}

		@InvalidatesTags("'product:' + #id")
		private void update(long id) {
		}

	}

	static class EmptyInvalidationService {

		@InvalidatesTags({})
		public void update(long id) {
		}

	}

	static class ResultOfVoidInvalidationService {

		@InvalidatesTags("#result.id")
		public void update(long id) {
		}

	}

	static class ResultInKeyService {

		@Cached(key = "#result.id")
		public String find(long id) {
			return "product";
		}

	}

	static class ResultInConditionService {

		@Cached(condition = "#result != null")
		public String find(long id) {
			return "product";
		}

	}

	static class SharedNameService {

		@Cached(name = "shared")
		public String find(long id) {
			return "product";
		}

		@Cached(name = "shared")
		public Integer count(long id) {
			return 1;
		}

	}

	static class CompletableFutureService {

		@Cached
		public Future<String> find(long id) {
			return CompletableFuture.completedFuture("product");
		}

	}

	static class MonoService {

		@Cached
		public Mono<String> find(long id) {
			return Mono.just("product");
		}

	}

	/** A key whose equals compares what its JSON would not show: it has no getters. */
	static final class Query {

		private final long id;

		Query(long id) {
			this.id = id;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Query query && query.id == this.id;
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.id);
		}

	}

	record Search(Query query, int page) {
	}

	static class OpaqueKeyService {

		@Cached
		public String find(Query query) {
			return "product";
		}

	}

	static class OpaqueComponentService {

		@Cached
		public String find(Search search) {
			return "product";
		}

	}

	static class SharedCacheOtherKeysService {

		@Cached(name = "products")
		public String byId(long id) {
			return "product";
		}

		@Cached(name = "products")
		public String byName(String name) {
			return "product";
		}

	}

	record ProductKey(long id, String region) {
	}

	static class RenderableKeysService {

		@Cached
		public String byKey(ProductKey key) {
			return "product";
		}

		@Cached
		public String byIds(java.util.List<Long> ids, java.util.Set<String> regions) {
			return "product";
		}

		@Cached(key = "#query.id")
		public String byQuery(Query query) {
			return "product";
		}

		@Cached
		public String anything(Object key) {
			return "product";
		}

	}

	static class MisspeltKeyService {

		@Cached(key = "#idd")
		public String find(long id) {
			return "product";
		}

	}

	static class IndexBeyondService {

		@InvalidatesTags("'p:' + #p1")
		public void update(long id) {
		}

	}

	static class DefinedVariablesService {

		@Cached(key = "#p0", tags = { "'a:' + #a0", "'id:' + #id", "'args:' + #root.args[0]", "'r:' + #result" },
				unless = "#result == null")
		public String find(long id) {
			return "product";
		}

		@InvalidatesTags({ "'name:' + #name", "'n:' + #result" })
		public String rename(long id, String name) {
			return name;
		}

	}

}
