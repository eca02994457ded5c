package dev.forge;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The feature packages form a layered graph: a cycle means two packages can only be understood (and changed)
 * together, so it fails the build. The failure lists each cycle, slice by slice, with the classes on every edge.
 */
@AnalyzeClasses(packages = "dev.forge", importOptions = ImportOption.DoNotIncludeTests.class)
final class ArchitectureTest {

    @ArchTest
    static final ArchRule featurePackagesHaveNoCycles = slices()
            .matching("dev.forge.(*)..")
            .namingSlices("$1")
            .should().beFreeOfCycles();
}
