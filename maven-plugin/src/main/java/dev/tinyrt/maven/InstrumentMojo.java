// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code tinyrt:instrument}, at {@code process-classes}: rewrites the async methods of the main
 * classes ({@code target/classes}) so they run with only {@code tinyrt-runtime} on the class path.
 */
@Mojo(name = "instrument", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public class InstrumentMojo extends AbstractInstrumentMojo {

  /** The class folder rewritten in place. */
  @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
  File classesDirectory;

  @Override
  File classFolder() {
    return classesDirectory;
  }

  @Override
  String goal() {
    return "instrument";
  }
}
