// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code tinyrt:instrument-tests}, at {@code process-test-classes}: rewrites the async methods of
 * the test classes ({@code target/test-classes}), so tests that declare async methods of their own
 * run without the agent too.
 */
@Mojo(name = "instrument-tests", defaultPhase = LifecyclePhase.PROCESS_TEST_CLASSES,
    threadSafe = true)
public class InstrumentTestsMojo extends AbstractInstrumentMojo {

  /** The test class folder rewritten in place. */
  @Parameter(defaultValue = "${project.build.testOutputDirectory}", required = true)
  File testClassesDirectory;

  @Override
  File classFolder() {
    return testClassesDirectory;
  }

  @Override
  String goal() {
    return "instrument-tests";
  }
}
