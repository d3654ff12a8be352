// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code tinyrt:instrument-tests}, at {@code process-test-classes}: rewrites the async methods of
 * the test classes ({@code target/test-classes}), so tests that declare async methods of their own
 * run without the agent too.
 */
@Mojo(name = "instrument-tests", defaultPhase = LifecyclePhase.PROCESS_TEST_CLASSES,
    threadSafe = true,
    requiresDependencyResolution = ResolutionScope.TEST)
public class InstrumentTestsMojo extends AbstractInstrumentMojo {

  /** The test class folder rewritten in place. */
  @Parameter(defaultValue = "${project.build.testOutputDirectory}", required = true)
  File testClassesDirectory;

  /** The project's test class path: its own classes and its dependencies, folders and jars. */
  @Parameter(defaultValue = "${project.testClasspathElements}", readonly = true, required = true)
  List<String> classpathElements;

  @Override
  List<String> classPath() {
    return classpathElements;
  }

  @Override
  File classFolder() {
    return testClassesDirectory;
  }

  @Override
  String goal() {
    return "instrument-tests";
  }
}
