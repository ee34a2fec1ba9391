package dev.switchboard.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The store module's package rules (with core's classes, which the store sees), main classes only. */
@AnalyzeClasses(packages = "dev.switchboard", importOptions = ImportOption.DoNotIncludeTests.class)
class StoreArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.switchboard.(**)")
            .should().beFreeOfCycles();

    /** The store is blocking JDBC, called off the event loops: it has no business with Vert.x or Netty. */
    @ArchTest
    static final ArchRule storeImportsNoVertxOrNetty = noClasses().that().resideInAPackage("dev.switchboard.store..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
            .because("the store runs on worker threads and holds no transport");
}
