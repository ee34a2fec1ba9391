package dev.switchboard.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
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

    /**
     * The store's rooms, top to bottom: the facade opens the database and hands out repositories and ledgers; the
     * repositories and the usage ledger never see each other; credential encryption serves the repositories; the
     * JDBC plumbing and the dialects know nothing above them.
     */
    @ArchTest
    static final ArchRule storeLayers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Facade").definedBy("dev.switchboard.store")
            .layer("Repositories").definedBy("dev.switchboard.store.repository..")
            .layer("Ledger").definedBy("dev.switchboard.store.ledger..")
            .layer("Crypto").definedBy("dev.switchboard.store.crypto..")
            .layer("Jdbc").definedBy("dev.switchboard.store.jdbc..")
            .layer("Dialect").definedBy("dev.switchboard.store.dialect..")
            .layer("Failure").definedBy("dev.switchboard.store.failure..")
            .whereLayer("Facade").mayNotBeAccessedByAnyLayer()
            .whereLayer("Repositories").mayOnlyBeAccessedByLayers("Facade")
            .whereLayer("Ledger").mayOnlyBeAccessedByLayers("Facade")
            .whereLayer("Crypto").mayOnlyBeAccessedByLayers("Facade", "Repositories")
            .whereLayer("Jdbc").mayOnlyBeAccessedByLayers("Facade", "Repositories", "Ledger", "Crypto")
            .whereLayer("Dialect").mayOnlyBeAccessedByLayers("Facade", "Repositories", "Ledger", "Jdbc");

    /** What callers of the repositories see (interfaces and records) carries no SQL and names no implementation. */
    @ArchTest
    static final ArchRule repositoryApiHasNoSql = noClasses().that().resideInAPackage("dev.switchboard.store.repository")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..",
                    "dev.switchboard.store.repository.jdbc..", "dev.switchboard.store.jdbc..",
                    "dev.switchboard.store.dialect..");
}
