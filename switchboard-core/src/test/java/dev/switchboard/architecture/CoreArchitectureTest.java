package dev.switchboard.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core module's package rules, checked on every build (main classes only, not tests). */
@AnalyzeClasses(packages = "dev.switchboard", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

    /** Each package is its own slice, so a parent and its subpackage (provider ↔ provider.gemini) count as a cycle too. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.switchboard.(**)")
            .should().beFreeOfCycles();

    /** Core is the transport-free model: translation, routing, config. Vert.x and Netty stay in the server. */
    @ArchTest
    static final ArchRule coreImportsNoVertxOrNetty = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
            .because("core holds no transport; the server module owns the event loops");

    /** One vendor's translation never reaches into another's: shared pieces live in dev.switchboard.provider. */
    @ArchTest
    static final ArchRule vendorsDoNotImportEachOther = slices().matching("dev.switchboard.provider.(*)..")
            .should().notDependOnEachOther();

    /** Credentials are their own axis: vendors may use them (a Vertex URL names its project), never the reverse. */
    @ArchTest
    static final ArchRule credentialsNameNoVendor = noClasses().that().resideInAPackage("dev.switchboard.credentials..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.switchboard.provider.*..")
            .because("a credential kind serves any dialect; the catalogue pairs them");
}
