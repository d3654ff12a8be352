// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code tinyrt:instrument}, at {@code process-classes}: rewrites the async methods of the main
 * classes ({@code target/classes}) so they run with only {@code tinyrt-runtime} on the class path.
 */
@Mojo(name = "instrument", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true,
    requiresDependencyResolution = ResolutionScope.COMPILE)
public class InstrumentMojo extends AbstractInstrumentMojo {

  /** The class folder rewritten in place. */
  @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
  File classesDirectory;

  /** The project's compile class path: its own classes and its dependencies, folders and jars. */
  @Parameter(defaultValue = "${project.compileClasspathElements}", readonly = true, required = true)
  List<String> classpathElements;

  @Override
  List<String> classPath() {
    return classpathElements;
  }

  @Override
  File classFolder() {
    return classesDirectory;
  }

  @Override
  String goal() {
    return "instrument";
  }
}
