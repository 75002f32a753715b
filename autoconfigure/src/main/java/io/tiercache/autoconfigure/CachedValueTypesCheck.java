package io.tiercache.autoconfigure;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import io.tiercache.interceptor.CachedOperation;
import io.tiercache.interceptor.InvalidAnnotationException;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.JacksonValueCodec;
import io.tiercache.store.ValueCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Checks, once every singleton is created, that the JSON codec reads back what each
 * {@code @Cached} method returns, down to the properties of its classes. A type Jackson
 * cannot construct (an interface or abstract class without type information, a class
 * without a default constructor or creator), returned or held by a property, fails
 * startup naming the method, the property and the fix: its entries would be written to
 * Redis and never read, every read a load. A type that leaves {@code Object} open
 * ({@code Object}, {@code Map<String, Object>}, raw collections) is logged once per
 * method as a warning: values come back from Redis as JSON has them, not as the local
 * tier holds them.
 * <p>
 * Only the codec tiercache defines is checked: an application's own codec decides for
 * itself what it reads.
 */
final class CachedValueTypesCheck implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Logger logger = LoggerFactory.getLogger(CachedValueTypesCheck.class);

	private final ObjectProvider<TierCacheOperationSource> operationSource;

	private final ObjectProvider<ValueCodec> codec;

	private ConfigurableListableBeanFactory beanFactory;

	CachedValueTypesCheck(ObjectProvider<TierCacheOperationSource> operationSource, ObjectProvider<ValueCodec> codec) {
		this.operationSource = operationSource;
		this.codec = codec;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		TierCacheOperationSource source = this.operationSource.getIfAvailable();
		if (source == null || !(this.codec.getIfUnique() instanceof JacksonValueCodec jackson)) {
			return;
		}
		UndeclaredCacheSettingsCheck.parseBeansNotCreated(this.beanFactory, source);
		Set<Method> checked = new HashSet<>();
		for (CachedOperation operation : source.cachedOperations()) {
			if (operation.settings().enabled() && checked.add(operation.method())) {
				check(jackson, operation);
			}
		}
	}

	private static void check(JacksonValueCodec codec, CachedOperation operation) {
		JacksonValueCodec.TypeCheck found = codec.check(operation.valueType());
		String method = describe(operation.method());
		String declared = operation.valueType().getTypeName();
		if (found.unconstructible() != null) {
			throw unconstructible(method, declared, found);
		}
		if (found.untyped() != null) {
			String where = (found.untypedPath() != null) ? ", whose property " + found.untypedPath() : ", which";
			logger.warn("@Cached on {} returns {}{} leaves java.lang.Object open: such values come back from "
					+ "Redis as JSON maps, lists, strings, numbers and booleans (an Instant as a String), while the "
					+ "local tier returns them as the method did. Declare the types, such as a record of them.", method,
					declared, where);
		}
	}

	private static InvalidAnnotationException unconstructible(String method, String declared,
			JacksonValueCodec.TypeCheck found) {
		Class<?> type = found.unconstructible().getRawClass();
		String path = found.unconstructiblePath();
		String returns;
		if (path != null) {
			returns = "it returns " + declared + ", whose property " + path + " holds " + type.getName();
		}
		else {
			returns = "it returns " + type.getName()
					+ (type.getName().equals(declared) ? "" : " (in " + declared + ")");
		}
		String never = "so every entry would be written to Redis and never read back: each read would load again "
				+ "and be counted as undecodable";
		if (found.unconstructible().isAbstract()) {
			String kind = type.isInterface() ? "an interface" : "an abstract class";
			// The property to change is the last of the path, where the type is declared
			String instead = (path != null)
					? "Declare a concrete class or a record for " + path.substring(path.lastIndexOf(' ') + 1)
					: "Return a concrete class or a record";
			return new InvalidAnnotationException("@Cached on " + method,
					returns + ", " + kind + " that Jackson cannot construct without type information, " + never,
					instead + ", or annotate " + type.getName() + " with Jackson's "
							+ "@JsonTypeInfo(use = JsonTypeInfo.Id.NAME) and @JsonSubTypes listing its "
							+ "implementations.");
		}
		if (found.problem() != null) {
			return new InvalidAnnotationException("@Cached on " + method,
					returns + ", whose definition Jackson rejects (" + found.problem() + "), " + never,
					"Correct what Jackson names in the annotations or accessors of " + type.getName() + ".");
		}
		return new InvalidAnnotationException("@Cached on " + method,
				returns + ", a class that Jackson cannot construct from the JSON object it is written as (it has no "
						+ "default constructor and no creator that takes its properties), " + never,
				"Annotate a constructor or static factory method of " + type.getName() + " with @JsonCreator, give "
						+ "it a no-argument constructor, or make it a record. Without @JsonCreator, Jackson uses a "
						+ "constructor only if it is the class's only constructor, is public, and the class is "
						+ "compiled with -parameters.");
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

}
