package io.tiercache;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package arrows of {@code docs/architecture.md}: each package of the library imports
 * only the packages listed for it, so an arrow cannot be added by accident.
 */
class ArchitectureTests {

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.tiercache");

	@ParameterizedTest(name = "{0} imports only {1}")
	@CsvSource(delimiter = '|', textBlock = """
			annotation  |
			redis       |
			store       | redis
			interceptor | annotation store
			fanout      | store redis
			cache       | store
			metrics     | store fanout outbox
			actuate     | store fanout redis cache
			outbox      | store
			""")
	void eachPackageImportsOnlyWhatItMay(String pkg, String allowed) {
		List<String> packages = new ArrayList<>();
		packages.add("io.tiercache." + pkg + "..");
		if (allowed != null) {
			for (String other : allowed.trim().split("\\s+")) {
				packages.add("io.tiercache." + other + "..");
			}
		}
		ArchRule rule = classes().that()
			.resideInAPackage("io.tiercache." + pkg + "..")
			.should()
			.onlyDependOnClassesThat(
					not(resideInAPackage("io.tiercache..")).or(resideInAnyPackage(packages.toArray(String[]::new))));
		rule.check(LIBRARY);
	}

	@Test
	void nothingImportsTheAutoConfiguration() {
		noClasses().that()
			.resideOutsideOfPackage("io.tiercache.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.tiercache.autoconfigure..")
			.check(LIBRARY);
	}

	@Test
	void onlyTheAutoConfigurationAndTheActuatorSupportUseSpringBoot() {
		noClasses().that()
			.resideOutsideOfPackages("io.tiercache.autoconfigure..", "io.tiercache.actuate..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.check(LIBRARY);
	}

}
