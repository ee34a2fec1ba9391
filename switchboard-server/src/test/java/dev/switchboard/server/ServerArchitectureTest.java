package dev.switchboard.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole gateway's package rules, checked from the server, which sees every module's classes (main classes only):
 * no package cycles anywhere, no package split over two modules, vendors apart, core free of Vert.x and Netty, the
 * call path's rooms (engine, relay, call) layered.
 */
@AnalyzeClasses(packages = "dev.switchboard", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.switchboard.(**)")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule vendorsDoNotImportEachOther = slices().matching("dev.switchboard.provider.(*)..")
            .should().notDependOnEachOther();

    /** Vendor specifics (the byte pass-throughs too) are reached through {@code ChatAdapter}, chosen by the catalogue. */
    @ArchTest
    static final ArchRule serverNamesNoVendorPackage = noClasses().that().resideInAPackage("dev.switchboard.server..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.switchboard.provider.*..")
            .because("the engine reaches vendors through the adapter interface only");

    /** How a provider's requests are signed is the credentials axis' business; the engine calls one signer for all. */
    @ArchTest
    static final ArchRule serverHasNoCredentialBranch = noClasses().that().resideInAPackage("dev.switchboard.server..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.switchboard.catalogue.AuthStyle")
            .because("the catalogue picks the credential class (dev.switchboard.credentials.UpstreamCredentials)");

    /**
     * The call path's rooms: the engine drives the relays, the relays work on one call's state, never the other way
     * (a relay reaches back through {@code call.Guard} and {@code relay.BodyAttempt}); the wiring uses all three.
     */
    @ArchTest
    static final ArchRule callPathLayers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Wiring").definedBy("dev.switchboard.server")
            .layer("Engine").definedBy("dev.switchboard.server.engine..")
            .layer("Relay").definedBy("dev.switchboard.server.relay..")
            .layer("Call").definedBy("dev.switchboard.server.call..")
            .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
            .whereLayer("Engine").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("Relay").mayOnlyBeAccessedByLayers("Wiring", "Engine")
            .whereLayer("Call").mayOnlyBeAccessedByLayers("Wiring", "Engine", "Relay");

    /** The store is used through its repositories and {@code Store}; how they talk SQL stays inside the store. */
    @ArchTest
    static final ArchRule storeInternalsStayInside = noClasses().that().resideOutsideOfPackage("dev.switchboard.store..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.switchboard.store.repository.jdbc..", "dev.switchboard.store.dialect..", "dev.switchboard.store.jdbc..")
            .because("JDBC repositories, transactions and SQL dialects are the store's internals (its failures are in store.failure)");

    /** A package in two modules (two jars) breaks the module path and hides who owns a class. */
    @ArchTest
    static void noPackageSplitOverModules(JavaClasses classes) {
        Map<String, Set<String>> modulesByPackage = new TreeMap<>();
        for (JavaClass c : classes) {
            c.getSource().ifPresent(s -> modulesByPackage.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>())
                    .add(module(s.getUri().toString())));
        }
        modulesByPackage.values().removeIf(m -> m.size() < 2);
        assertThat(modulesByPackage).as("packages found in more than one module").isEmpty();
    }

    /** The module a class came from: its build output folder or jar, e.g. switchboard-core. */
    private static String module(String uri) {
        for (String m : new String[] {"switchboard-core", "switchboard-store", "switchboard-server"}) {
            if (uri.contains("/" + m + "/") || uri.contains("/" + m + "-")) {
                return m;
            }
        }
        return uri;
    }
}
