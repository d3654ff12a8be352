// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.agent.transform.RewrittenMark;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code instrument} goal driven by hand, as Maven would, on a folder of freshly compiled
 * fixture classes: it rewrites them so they run with only the runtime (in a class loader with no
 * agent and no agent classes); a second build reads nothing and a third rewrites nothing; a
 * refusal fails the build with its {@code File.java:line}, and goes on failing it until the class
 * is compiled anew.
 */
class InstrumentMojoTest {

  /** The same class with the monitor released before the await: rewritten. */
  static final String UNLOCKED = """
      package fixture;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Future;

      public class Locked {
        static Future<Long> locked(Future<Long> price) {
          return Future.ready(await(price));
        }
      }
      """;

  /** Where the fixtures are compiled once for all tests. */
  @TempDir static Path compiled;

  /** The shop's class files, compiled once. */
  static Path shopClasses;

  /** The refused class's files, compiled once. */
  static Path lockedClasses;

  /** The fixed class's files, compiled once. */
  static Path unlockedClasses;

  /** Each test's own folder. */
  @TempDir Path dir;

  /** This test's class folder, {@code target/classes} to the mojo, rewritten in place. */
  Path classes;

  /** What the mojos of this test logged. */
  RecordingLog log;

  @BeforeAll
  static void compileTheFixtures() throws IOException {
    shopClasses = compile(compiled.resolve("shop"), "Shop", fixture("Shop"));
    lockedClasses = compile(compiled.resolve("locked"), "Locked", fixture("Locked"));
    unlockedClasses = compile(compiled.resolve("unlocked"), "Locked", UNLOCKED);
  }

  @BeforeEach
  void copyTheShop() throws IOException {
    classes = dir.resolve("target/classes");
    copy(shopClasses, classes);
  }

  /**
   * The source of a fixture the agent's instrument tests compile too, {@code
   * agent/src/test/resources/instrument-fixtures/NAME.java} (a test resource of this module too).
   */
  static String fixture(String name) throws IOException {
    try (InputStream in =
        InstrumentMojoTest.class.getResourceAsStream("/instrument-fixtures/" + name + ".java")) {
      assertNotNull(in, "no fixture instrument-fixtures/" + name + ".java in the test resources");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Compiles {@code fixture/NAME.java} against this JVM's class path (the runtime on it) and
   * {@code classPath}.
   *
   * @return the folder of its class files
   */
  static Path compile(Path dir, String name, String source, Path... classPath)
      throws IOException {
    Path file = dir.resolve("src/fixture/" + name + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source);
    Path out = dir.resolve("classes");
    StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
    for (Path entry : classPath) {
      cp.append(File.pathSeparator).append(entry);
    }
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status = ToolProvider.getSystemJavaCompiler().run(null, null, errors,
        "--release", "17", "-d", out.toString(), "-cp", cp.toString(), file.toString());
    assertEquals(0, status, errors.toString(StandardCharsets.UTF_8));
    return out;
  }

  /** Copies every file under {@code from} into {@code to}, as a compiler writes them: now. */
  static void copy(Path from, Path to) throws IOException {
    for (Map.Entry<String, byte[]> file : files(from).entrySet()) {
      Path target = to.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
  }

  /** Every file under {@code root} with its bytes, by relative path. */
  static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    }
    return files;
  }

  /** Moves a class file's modification time a minute on: a compiler wrote it after the last run. */
  static void recompiled(Path classFile) throws IOException {
    FileTime now = Files.getLastModifiedTime(classFile);
    Files.setLastModifiedTime(classFile, FileTime.fromMillis(now.toMillis() + 60_000));
  }

  /** The 1-based line of {@code source} that holds {@code marker}. */
  static int lineOf(String source, String marker) throws IOException {
    List<String> lines = source.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError(marker);
  }

  /** The goal as Maven configures it by default, over {@link #classes}, logging to a new log. */
  InstrumentMojo mojo() {
    InstrumentMojo mojo = new InstrumentMojo();
    mojo.classesDirectory = classes.toFile();
    mojo.classpathElements = List.of(classes.toString());
    mojo.ledgerDirectory = dir.resolve("target/tinyrt-maven-plugin").toFile();
    mojo.failOnRefusal = true;
    log = new RecordingLog();
    mojo.setLog(log);
    return mojo;
  }

  /**
   * Calls {@code fixture.Shop.run()} in a class loader of {@code folder} and the runtime only,
   * under the platform loader: no agent, no agent classes, nothing of this test's class path.
   */
  static String runShop(Path folder) throws Exception {
    return run("fixture.Shop", folder);
  }

  /**
   * Calls {@code CLASS_NAME.run()} in a class loader of {@code folders} and the runtime only, as
   * {@link #runShop} does.
   */
  static String run(String className, Path... folders) throws Exception {
    URL runtime = dev.tinyrt.Future.class.getProtectionDomain().getCodeSource().getLocation();
    URL[] urls = new URL[folders.length + 1];
    for (int i = 0; i < folders.length; i++) {
      urls[i] = folders[i].toUri().toURL();
    }
    urls[folders.length] = runtime;
    try (URLClassLoader loader =
        new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      try {
        return (String) loader.loadClass(className).getMethod("run").invoke(null);
      } catch (InvocationTargetException e) {
        throw (Exception) e.getCause();
      }
    }
  }

  /** Calls {@code fixture.Locked.locked(Future.ready(1L))} as {@link #runShop} runs the shop. */
  static Object callLocked(Path folder) throws Exception {
    URL runtime = dev.tinyrt.Future.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader loader = new URLClassLoader(
        new URL[] {folder.toUri().toURL(), runtime}, ClassLoader.getPlatformClassLoader())) {
      Class<?> future = loader.loadClass("dev.tinyrt.Future");
      Object ready = future.getMethod("ready", Object.class).invoke(null, 1L);
      Method locked = loader.loadClass("fixture.Locked").getDeclaredMethod("locked", future);
      locked.setAccessible(true);
      try {
        return locked.invoke(null, ready);
      } catch (InvocationTargetException e) {
        throw (Exception) e.getCause();
      }
    }
  }

  @Test
  void rewritesTheClassesSoTheyRunWithOnlyTheRuntime() throws Exception {
    // Not rewritten, await names the method and asks for the agent.
    IllegalStateException withoutRewrite =
        assertThrows(IllegalStateException.class, () -> runShop(classes));
    assertTrue(withoutRewrite.getMessage().contains("fixture.Shop.cartTotal"),
        withoutRewrite.getMessage());

    mojo().execute();

    assertTrue(log.at("info").stream().anyMatch(
            line -> line.startsWith("tinyrt: rewrote fixture.Shop.cartTotal (Shop.java:")),
        log.lines.toString());
    assertTrue(log.at("info").stream().anyMatch(
            line -> line.startsWith("tinyrt instrument: 1 async methods rewritten in 1 classes (1 "
                + "frame classes written), 0 refused")),
        log.lines.toString());
    assertTrue(RewrittenMark.isMarked(Files.readAllBytes(classes.resolve("fixture/Shop.class"))));
    assertTrue(Files.isRegularFile(classes.resolve("fixture/Shop$cartTotal-Frame.class")),
        "the frame is written beside its host: " + files(classes).keySet());
    assertEquals("total 101 after 2 polls of the socks", runShop(classes),
        "the cart suspends at the first await, is woken, and adds up");
  }

  @Test
  void aSecondBuildReadsNothingAndAThirdRewritesNothing() throws Exception {
    mojo().execute();
    Map<String, byte[]> rewritten = files(classes);

    // Nothing compiled since: the folder is only listed.
    mojo().execute();
    assertTrue(log.at("info").contains(
            "tinyrt: " + classes + " is as the last run left it, nothing to rewrite"),
        log.lines.toString());
    assertSameFiles(rewritten, files(classes));

    // A class written again with the same bytes: read, found marked, left as it is.
    recompiled(classes.resolve("fixture/Shop.class"));
    mojo().execute();
    assertTrue(log.at("info").stream().anyMatch(line -> line.startsWith(
            "tinyrt instrument: 0 async methods rewritten in 0 classes (0 frame classes written), "
                + "0 refused, 1 classes already rewritten")),
        log.lines.toString());
    assertSameFiles(rewritten, files(classes));
    assertEquals("total 101 after 2 polls of the socks", runShop(classes));
  }

  @Test
  void aRefusalFailsTheBuildWithItsLocationUntilTheClassIsFixed() throws Exception {
    copy(lockedClasses, classes);
    String location = "Locked.java:" + lineOf(fixture("Locked"), "// REFUSED");

    MojoFailureException first = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertTrue(first.getMessage().contains("tinyrt refused 1 async method in " + classes),
        first.getMessage());
    assertTrue(first.getMessage().contains(location), first.getMessage());
    assertTrue(first.getMessage().contains("failOnRefusal"), "it says how to build anyway");
    assertTrue(log.at("error").stream().anyMatch(line -> line.contains(location)),
        log.lines.toString());
    assertTrue(log.at("info").stream().anyMatch(
        line -> line.startsWith("tinyrt: rewrote fixture.Shop.cartTotal")), "the rest is rewritten");

    // Built again unchanged: the refused class carries the mark now, and still fails the build.
    MojoFailureException again = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertEquals(first.getMessage(), again.getMessage());

    // Another class compiled anew: the folder is read again, and the refusal still stands.
    copy(shopClasses, classes);
    recompiled(classes.resolve("fixture/Shop.class"));
    MojoFailureException third = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertEquals(first.getMessage(), third.getMessage());

    // Told only to warn, the build goes on and the refusal is a warning.
    InstrumentMojo warnOnly = mojo();
    warnOnly.failOnRefusal = false;
    warnOnly.execute();
    assertTrue(log.at("warn").stream().anyMatch(line -> line.contains(location)),
        log.lines.toString());
    assertEquals(List.of(), log.at("error"));
    Exception called = assertThrows(Exception.class, () -> callLocked(classes));
    assertTrue(called.getMessage().contains(location), "the refused method throws its refusal: "
        + called);

    // The class fixed and compiled anew: the refusal is gone.
    copy(unlockedClasses, classes);
    recompiled(classes.resolve("fixture/Locked.class"));
    mojo().execute();
    assertTrue(log.at("info").stream().anyMatch(
            line -> line.startsWith("tinyrt: rewrote fixture.Locked.locked (Locked.java:")),
        log.lines.toString());
    assertEquals(List.of(), log.at("warn"));
    assertEquals(List.of(), log.at("error"));
  }

  /**
   * A blocking call in an async method is a build warning, as the agent's load-time warning: the
   * build-time route said nothing, at build time or at run time (found by a new user; it failed
   * before).
   */
  @Test
  void aBlockingCallIsABuildWarningWithItsLine() throws Exception {
    copy(compile(dir.resolve("sleepy"), "Sleepy", fixture("Sleepy")), classes);

    mojo().execute();

    int line = lineOf(fixture("Sleepy"), "// BLOCKING");
    assertTrue(log.at("warn").stream().anyMatch(w -> w.startsWith("tinyrt: Sleepy.sleepy "
            + "(Sleepy.java:" + line + ") calls Thread.sleep")), log.lines.toString());
    assertEquals(List.of(), log.at("error"));
  }

  @Test
  void anEaMethodReturningASubclassFromTheClassPathIsRewrittenAndRuns() throws Exception {
    // The subclass comes from a dependency (on the compile class path, not in target/classes),
    // the tool's own class path has neither.
    Path dependency = compile(dir.resolve("dependency"), "Receipt", fixture("Receipt"));
    Path orders = compile(dir.resolve("orders"), "Orders", fixture("Orders"), dependency);
    copy(orders, classes);
    InstrumentMojo mojo = mojo();
    mojo.classpathElements = List.of(classes.toString(), dependency.toString());

    mojo.execute();

    int line = lineOf(fixture("Orders"), "// EA AWAIT");
    assertTrue(log.at("info").contains(
            "tinyrt: rewrote fixture.Orders.total (Orders.java:" + line + ")"),
        log.lines.toString());
    assertEquals("Receipt 101, waiting for the socks", run("fixture.Orders", classes, dependency),
        "the method starts at once, parks at the socks, and completes a Receipt of its own");
  }

  @Test
  void anEaMethodReturningASubclassFromTheClassFolderIsRewrittenAndRuns() throws Exception {
    Path dependency = compile(dir.resolve("receipt"), "Receipt", fixture("Receipt"));
    Path orders = compile(dir.resolve("orders"), "Orders", fixture("Orders"), dependency);
    copy(dependency, classes);
    copy(orders, classes);

    mojo().execute();

    assertTrue(log.at("info").stream().anyMatch(
            line -> line.startsWith("tinyrt: rewrote fixture.Orders.total (Orders.java:")),
        log.lines.toString());
    assertEquals("Receipt 101, waiting for the socks", run("fixture.Orders", classes));
  }

  @Test
  void skipLeavesTheClassesAsTheyAre() throws Exception {
    Map<String, byte[]> compiledFiles = files(classes);
    InstrumentMojo skipped = mojo();
    skipped.skip = true;
    skipped.execute();
    assertSameFiles(compiledFiles, files(classes));
    assertTrue(log.at("info").get(0).startsWith("tinyrt: skipped"), log.lines.toString());
  }

  @Test
  void theTestGoalRewritesTheTestClassFolder() throws Exception {
    Path testClasses = dir.resolve("target/test-classes");
    copy(shopClasses, testClasses);
    InstrumentTestsMojo mojo = new InstrumentTestsMojo();
    mojo.testClassesDirectory = testClasses.toFile();
    mojo.classpathElements = List.of(testClasses.toString());
    mojo.ledgerDirectory = dir.resolve("target/tinyrt-maven-plugin").toFile();
    mojo.failOnRefusal = true;
    mojo.setLog(new RecordingLog());
    mojo.execute();
    assertEquals("total 101 after 2 polls of the socks", runShop(testClasses));
    assertTrue(Files.isRegularFile(
        dir.resolve("target/tinyrt-maven-plugin/instrument-tests.ledger")));
  }

  @Test
  void aMissingFolderIsNothingToRewrite() throws Exception {
    InstrumentMojo mojo = mojo();
    mojo.classesDirectory = dir.resolve("target/none").toFile();
    mojo.execute();
    assertTrue(log.at("info").get(0).contains("does not exist"), log.lines.toString());
  }

  /** Asserts that the two folders hold the same files with the same bytes. */
  static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String file : expected.keySet()) {
      assertTrue(Arrays.equals(expected.get(file), actual.get(file)), file + " changed");
    }
  }
}
