// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import dev.tinyrt.agent.cli.InstrumentCommand;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Rewrites the async methods of one class folder in place, with the agent's own rewrite ({@link
 * InstrumentCommand#instrumentFolder}), so they run with only {@code tinyrt-runtime} on the class
 * path: frames beside their hosts, each rewritten host marked so no later run, and no agent,
 * rewrites it again. The classes an EA-style method returns (a {@code CompletableFuture} subclass)
 * are read from the folder, then the project's class path, then the JDK. Logs each method rewritten and each refused, and fails the build on a refusal
 * unless told only to warn. The two goals differ only in their folder and phase.
 */
abstract class AbstractInstrumentMojo extends AbstractMojo {

  /** Leaves the classes as they are (for a build that runs its tests under the agent instead). */
  @Parameter(property = "tinyrt.instrument.skip", defaultValue = "false")
  boolean skip;

  /**
   * Fails the build when a method is refused (the default), listing each refusal with its {@code
   * File.java:line} and the fix; false only warns, and a refused method then throws its refusal
   * when it is called.
   */
  @Parameter(property = "tinyrt.instrument.failOnRefusal", defaultValue = "true")
  boolean failOnRefusal;

  /** Where each goal keeps the ledger of its last run, which makes an unchanged build a no-op. */
  @Parameter(defaultValue = "${project.build.directory}/tinyrt-maven-plugin", readonly = true)
  File ledgerDirectory;

  /** @return the class folder this goal rewrites */
  abstract File classFolder();

  /**
   * @return the project's class path for this goal's classes (folders and jars, as Maven resolved
   *     them): where the superclasses of the types their methods return are read from
   */
  abstract List<String> classPath();

  /** @return the goal's name, which names its ledger */
  abstract String goal();

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    Path folder = classFolder().toPath();
    if (skip) {
      getLog().info("tinyrt: skipped (tinyrt.instrument.skip); " + folder + " left as it is");
      return;
    }
    if (!Files.isDirectory(folder)) {
      getLog().info("tinyrt: no classes to rewrite, " + folder + " does not exist");
      return;
    }
    Path ledgerFile = ledgerDirectory.toPath().resolve(goal() + ".ledger");
    RunLedger ledger = RunLedger.read(ledgerFile, folder);

    // Nothing compiled since the last run: read nothing, but still report what it refused.
    Map<String, List<String>> refused;
    try {
      if (ledger.upToDate()) {
        getLog().info("tinyrt: " + folder + " is as the last run left it, nothing to rewrite");
        refused = ledger.refusedByFile();
      } else {
        refused = rewrite(folder, ledger, ledgerFile);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new MojoExecutionException("tinyrt could not rewrite the classes in " + folder + ": "
          + e + ". Check that the folder is readable and writable, then build again.", e);
    }

    // The refusals, of this run and of earlier runs over classes not compiled since.
    report(folder, refused);
  }

  /** Runs the rewrite over the folder, logs it, and writes the ledger; returns the refusals. */
  private Map<String, List<String>> rewrite(Path folder, RunLedger ledger, Path ledgerFile)
      throws IOException {
    Map<String, List<String>> refused = new LinkedHashMap<>(ledger.refusalsStillStanding());
    List<Path> classPath = new ArrayList<>();
    for (String entry : classPath() == null ? List.<String>of() : classPath()) {
      classPath.add(Path.of(entry));
    }
    InstrumentCommand.Report report = InstrumentCommand.instrumentFolder(folder, folder, classPath);
    for (String method : report.rewritten()) {
      getLog().info("tinyrt: rewrote " + method);
    }
    for (String unreadable : report.unreadable()) {
      getLog().warn("tinyrt: left unchanged: " + unreadable);
    }
    // What the agent would log as these classes load: the build is where this route says it.
    for (String warning : report.warnings()) {
      getLog().warn(warning); // it starts with "tinyrt: "
    }
    refused.putAll(report.refusedByFile());
    RunLedger.write(ledgerFile, folder, refused);
    getLog().info(report.summary(folder));
    return refused;
  }

  /** Logs each refusal, and fails the build with them all unless only warnings are asked for. */
  private void report(Path folder, Map<String, List<String>> refusedByFile)
      throws MojoFailureException {
    List<String> refusals = new ArrayList<>();
    refusedByFile.values().forEach(refusals::addAll);
    if (refusals.isEmpty()) {
      return;
    }
    for (String refusal : refusals) {
      if (failOnRefusal) {
        getLog().error("tinyrt: refused: " + refusal);
      } else {
        getLog().warn("tinyrt: refused: " + refusal);
      }
    }
    if (failOnRefusal) {
      throw new MojoFailureException("tinyrt refused " + refusals.size() + " async method"
          + (refusals.size() == 1 ? "" : "s") + " in " + folder + ":\n  "
          + String.join("\n  ", refusals) + "\nFix each as its message says and build again; "
          + "or set <failOnRefusal>false</failOnRefusal> (-Dtinyrt.instrument.failOnRefusal=false)"
          + " to build anyway, and a refused method throws its refusal when it is called.");
    }
  }
}
