package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvocationEvaluation}.
 */
class InvocationEvaluationTests {

	private static final Method method = ReflectionUtils.findMethod(ProductService.class, "find", long.class,
			List.class, int[].class);

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final ProductService target = new ProductService();

	@Test
	void parametersAreVariablesByNameAndByIndex() {
		InvocationEvaluation evaluation = evaluation(7L, List.of(), new int[0]);
		assertThat(evaluation.evaluate(expression("#id"))).isEqualTo(7L);
		assertThat(evaluation.evaluate(expression("#p0"))).isEqualTo(7L);
		assertThat(evaluation.evaluate(expression("#a0"))).isEqualTo(7L);
	}

	@Test
	void rootObjectExposesMethodArgumentsAndTarget() {
		InvocationEvaluation evaluation = evaluation(7L, List.of(), new int[0]);
		assertThat(evaluation.evaluate(expression("#root.methodName"))).isEqualTo("find");
		assertThat(evaluation.evaluate(expression("#root.method"))).isEqualTo(method);
		assertThat(evaluation.evaluate(expression("#root.args[0]"))).isEqualTo(7L);
		assertThat(evaluation.evaluate(expression("#root.target"))).isSameAs(this.target);
		assertThat(evaluation.evaluate(expression("#root.targetClass"))).isEqualTo(ProductService.class);
	}

	@Test
	void resultIsTheValueOfAnOptional() {
		InvocationEvaluation evaluation = evaluation(7L, List.of(), new int[0]);
		assertThat(evaluation.evaluate(expression("#result"), "lamp")).isEqualTo("lamp");
		assertThat(evaluation.evaluate(expression("#result"), Optional.of("lamp"))).isEqualTo("lamp");
		assertThat(evaluation.evaluate(expression("#result"), Optional.empty())).isNull();
	}

	@Test
	void beanReferencesResolveThroughBeanFactory() {
		StaticListableBeanFactory beanFactory = new StaticListableBeanFactory();
		beanFactory.addBean("tenant", "acme");
		InvocationEvaluation evaluation = new InvocationEvaluation(method, new Object[] { 7L, List.of(), new int[0] },
				this.target, ProductService.class, new BeanFactoryResolver(beanFactory));
		assertThat(evaluation.evaluate(expression("@tenant + ':' + #id"))).isEqualTo("acme:7");
	}

	@Test
	void singleValuedTagIsItsStringValue() {
		assertThat(tags(expression("#id"), evaluation(7L, List.of(), new int[0]))).containsExactly("7");
	}

	@Test
	void collectionValuedTagYieldsEachNonNullElement() {
		InvocationEvaluation evaluation = evaluation(7L, Arrays.asList(1L, null, 2L), new int[0]);
		assertThat(tags(expression("#ids"), evaluation)).containsExactly("1", "2");
		assertThat(tags(expression("#ids.?[#this != null].![ 'product:' + #this ]"), evaluation))
			.containsExactly("product:1", "product:2");
	}

	@Test
	void arrayValuedTagYieldsEachElement() {
		assertThat(tags(expression("#codes"), evaluation(7L, List.of(), new int[] { 3, 4 }))).containsExactly("3", "4");
	}

	@Test
	void nullTagIsIgnored() {
		assertThat(tags(expression("null"), evaluation(7L, List.of(), new int[0]))).isEmpty();
	}

	@Test
	void resultTagsUseResult() {
		List<String> tags = new ArrayList<>();
		evaluation(7L, List.of(), new int[0]).addTags(expression("'category:' + #result.categoryId"), new Product(7, 3),
				tags);
		assertThat(tags).containsExactly("category:3");
	}

	@Test
	void conditionIsTrueOnlyWhenItEvaluatesToTrue() {
		InvocationEvaluation evaluation = evaluation(7L, List.of(), new int[0]);
		assertThat(evaluation.isTrue(expression("#id > 0"))).isTrue();
		assertThat(evaluation.isTrue(expression("#id < 0"))).isFalse();
		assertThat(evaluation.isTrue(expression("null"))).isFalse();
		assertThat(evaluation.isTrue(expression("#result == null"), "lamp")).isFalse();
	}

	private InvocationEvaluation evaluation(long id, List<@Nullable Long> ids, int[] codes) {
		return new InvocationEvaluation(method, new Object[] { id, ids, codes }, this.target, ProductService.class,
				null);
	}

	private static List<String> tags(Expression expression, InvocationEvaluation evaluation) {
		List<String> tags = new ArrayList<>();
		evaluation.addTags(expression, tags);
		return tags;
	}

	private Expression expression(String text) {
		return this.parser.parseExpression(text);
	}

	record Product(long id, long categoryId) {

	}

	static class ProductService {

		public Product find(long id, List<Long> ids, int[] codes) {
			return new Product(id, 3);
		}

	}

}
