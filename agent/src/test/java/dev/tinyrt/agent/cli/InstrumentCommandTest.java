// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.agent.AgentOptions;
import dev.tinyrt.agent.transform.AsyncTransformer;
import dev.tinyrt.agent.transform.ClassRewriter;
import dev.tinyrt.agent.transform.RewrittenMark;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code instrument}: a class folder or a jar rewritten offline runs with only the runtime on the
 * class path (in a child JVM without {@code -javaagent}); a second run, and the agent, leave it as
 * it is; what was rewritten and refused is reported with {@code File.java:line}.
 */
@Timeout(120)
class InstrumentCommandTest {

  /** Where the shop is compiled once for all tests. */
  @TempDir static Path compiled;

  /** The shop's classes, compiled once. */
  static Path shopClasses;

  /** Each test's own folder. */
  @TempDir Path dir;

  /** This test's copy of the shop's classes, which it may rewrite in place. */
  Path classes;

  @BeforeAll
  static void compileTheShop() throws IOException {
    shopClasses = InstrumentFixtures.compile(compiled, List.of(), "Shop");
  }

  @BeforeEach
  void copyTheShop() throws IOException {
    classes = dir.resolve("classes");
    InstrumentFixtures.copy(shopClasses, classes);
  }

  /**
   * Runs {@code MAIN_CLASS} in a fresh JVM, without any agent, on {@code classPath} and the
   * runtime, and returns what it printed; fails if it does not exit with status 0.
   */
  static String runMain(String mainClass, Path... classPath) throws Exception {
    Path runtime = Path.of(
        dev.tinyrt.Future.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    StringBuilder cp = new StringBuilder();
    for (Path entry : classPath) {
      cp.append(entry).append(File.pathSeparator);
    }
    ChildJvm.Ran ran = ChildJvm.java("-cp", cp.toString() + runtime, mainClass);
    assertEquals(0, ran.status(), ran.output());
    return ran.output().strip();
  }

  /** Runs {@code fixture.Shop} in a fresh JVM, without any agent, on {@code classPath} and the runtime. */
  static String runShop(Path classPath) throws Exception {
    return runMain("fixture.Shop", classPath);
  }

  @Test
  void withoutInstrumentTheShopFailsWithoutTheAgent() throws Exception {
    Path runtime = Path.of(
        dev.tinyrt.Future.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ChildJvm.Ran ran =
        ChildJvm.java("-cp", classes + File.pathSeparator + runtime, "fixture.Shop");
    assertEquals(1, ran.status(), ran.output());
    assertTrue(ran.output().contains("Async.await was called in fixture.Shop.cartTotal"),
        ran.output());
  }

  @Test
  void anInstrumentedFolderRunsWithOnlyTheRuntimeAndReportsWhatItRewrote() throws Exception {
    Path out = dir.resolve("out");
    MainTest.Ran ran = MainTest.run("instrument", classes.toString(), "--out", out.toString());

    assertEquals(0, ran.status(), ran.err());
    int line = InstrumentFixtures.lineOf("Shop", "// AWAIT");
    assertTrue(ran.out().contains("rewrote fixture.Shop.cartTotal (Shop.java:" + line + ")"), ran.out());
    assertTrue(ran.out().contains("1 async methods rewritten in 1 classes (1 frame classes written), "
        + "0 refused, 0 classes already rewritten, 0 warnings; " + out), ran.out());
    assertTrue(Files.isRegularFile(out.resolve("fixture/Shop$cartTotal-Frame.class")), "frame beside its host");
    assertTrue(Files.isRegularFile(out.resolve("fixture/Shop$Later.class")), "other classes copied");
    assertTrue(RewrittenMark.isMarked(Files.readAllBytes(out.resolve("fixture/Shop.class"))));
    assertFalse(RewrittenMark.isMarked(Files.readAllBytes(classes.resolve("fixture/Shop.class"))),
        "--out leaves the input alone");

    assertEquals("total 101 after 2 polls of the socks", runShop(out));
  }

  @Test
  void aSecondRunChangesNothing() throws Exception {
    MainTest.Ran first = MainTest.run("instrument", classes.toString());
    assertEquals(0, first.status(), first.err());
    Map<String, byte[]> once = InstrumentFixtures.files(classes);

    MainTest.Ran second = MainTest.run("instrument", classes.toString());
    assertEquals(0, second.status(), second.err());
    assertTrue(second.out().contains("0 async methods rewritten in 0 classes (0 frame classes "
        + "written), 0 refused, 1 classes already rewritten"), second.out());
    Map<String, byte[]> twice = InstrumentFixtures.files(classes);
    assertEquals(once.keySet(), twice.keySet());
    once.forEach((name, bytes) -> assertArrayEquals(bytes, twice.get(name), name));
  }

  @Test
  void theAgentLeavesAnInstrumentedClassAlone() throws Exception {
    MainTest.Ran ran = MainTest.run("instrument", classes.toString());
    assertEquals(0, ran.status(), ran.err());
    byte[] host = Files.readAllBytes(classes.resolve("fixture/Shop.class"));

    assertTrue(ClassRewriter.rewrite(host, ClassRewriter.Options.DEFAULT).unchanged());
    byte[] transformed = new AsyncTransformer(AgentOptions.NONE).transform(
        getClass().getClassLoader(), "fixture/Shop", null, null, host);
    assertNull(transformed, "the agent returns null: class unchanged");
  }

  @Test
  void anInstrumentedJarRunsWithOnlyTheRuntimeAndASecondRunLeavesItByteForByte() throws Exception {
    Path jar = dir.resolve("shop.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> entry : InstrumentFixtures.files(classes).entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    }
    MainTest.Ran ran = MainTest.run("instrument", jar.toString());
    assertEquals(0, ran.status(), ran.err());
    try (JarFile rewritten = new JarFile(jar.toFile())) {
      assertTrue(rewritten.getEntry("fixture/Shop$cartTotal-Frame.class") != null, "frame in the jar");
    }
    assertEquals("total 101 after 2 polls of the socks", runShop(jar));

    byte[] once = Files.readAllBytes(jar);
    MainTest.Ran again = MainTest.run("instrument", jar.toString());
    assertEquals(0, again.status(), again.err());
    assertArrayEquals(once, Files.readAllBytes(jar));
  }

  @Test
  void aRefusedMethodIsReportedWithItsLineAndFailsTheRun() throws Exception {
    Path refused = InstrumentFixtures.compile(dir.resolve("locked"), List.of(), "Locked");
    MainTest.Ran ran = MainTest.run("instrument", refused.toString());

    assertEquals(InstrumentCommand.PROBLEMS, ran.status());
    int line = InstrumentFixtures.lineOf("Locked", "// REFUSED");
    assertTrue(ran.err().startsWith("refused: "), ran.err());
    assertTrue(ran.err().contains("fixture.Locked.locked"), ran.err());
    assertTrue(ran.err().contains("Locked.java:" + line), ran.err());
    assertTrue(ran.out().contains("0 async methods rewritten in 1 classes (0 frame classes written), "
        + "1 refused"), ran.out());
  }

  /**
   * A blocking call in an async method is reported at build time, as the agent warns at load
   * time: the build-time route printed nothing, at build time or at run time (found by a new user;
   * it failed before).
   */
  @Test
  void aBlockingCallIsReportedWithItsLineAndDoesNotFailTheRun() throws Exception {
    Path sleepy = InstrumentFixtures.compile(dir.resolve("sleepy"), List.of(), "Sleepy");
    MainTest.Ran ran = MainTest.run("instrument", sleepy.toString());

    assertEquals(0, ran.status(), ran.err());
    int line = InstrumentFixtures.lineOf("Sleepy", "// BLOCKING");
    assertTrue(ran.err().startsWith("warning: "), ran.err());
    assertTrue(ran.err().contains("Sleepy.sleepy (Sleepy.java:" + line + ")"), ran.err());
    assertTrue(ran.err().contains("Thread.sleep"), ran.err());
    assertTrue(ran.out().contains("1 async methods rewritten in 1 classes (1 frame classes "
        + "written), 0 refused, 0 classes already rewritten, 1 warnings"), ran.out());
  }

  @Test
  void aRefusalIsReportedAgainWhenTheRewrittenFolderIsInstrumentedAgain() throws Exception {
    Path refused = InstrumentFixtures.compile(dir.resolve("locked"), List.of(), "Locked");
    MainTest.Ran first = MainTest.run("instrument", refused.toString());
    assertEquals(InstrumentCommand.PROBLEMS, first.status(), first.out());

    MainTest.Ran second = MainTest.run("instrument", refused.toString());

    assertEquals(InstrumentCommand.PROBLEMS, second.status(), second.out());
    int line = InstrumentFixtures.lineOf("Locked", "// REFUSED");
    assertTrue(second.err().startsWith("refused: "), second.err());
    assertTrue(second.err().contains("Locked.java:" + line), second.err());
    assertEquals(first.err(), second.err());
    assertTrue(second.out().contains("1 refused, 1 classes already rewritten"), second.out());
  }

  @Test
  void anEaMethodReturningASubclassFromTheFolderIsRewrittenAndRuns() throws Exception {
    Path orders = InstrumentFixtures.compile(dir.resolve("orders"), List.of(), "Receipt", "Orders");
    Path out = dir.resolve("out");

    MainTest.Ran ran = MainTest.run("instrument", orders.toString(), "--out", out.toString());

    assertEquals(0, ran.status(), ran.err());
    int line = InstrumentFixtures.lineOf("Orders", "// EA AWAIT");
    assertTrue(ran.out().contains("rewrote fixture.Orders.total (Orders.java:" + line + ")"),
        ran.out());
    assertEquals("Receipt 101, waiting for the socks", runMain("fixture.Orders", out),
        "the method starts at once, parks at the socks, and completes a Receipt of its own");
  }

  @Test
  void anEaMethodReturningASubclassFromTheClassPathIsRewrittenWithClasspath() throws Exception {
    Path receipt = InstrumentFixtures.compile(dir.resolve("dependency"), List.of(), "Receipt");
    Path orders = InstrumentFixtures.compile(dir.resolve("orders"), List.of(receipt), "Orders");

    // Without the class path, the return type's superclass cannot be read: refused, saying why.
    MainTest.Ran alone = MainTest.run("instrument", orders.toString(), "--out",
        dir.resolve("alone").toString());
    assertEquals(InstrumentCommand.PROBLEMS, alone.status(), alone.out());
    assertTrue(alone.err().contains("could not read the class file of fixture.Receipt"),
        alone.err());
    assertTrue(alone.err().contains("--classpath"), "it names the fix: " + alone.err());

    Path out = dir.resolve("out");
    MainTest.Ran ran = MainTest.run("instrument", orders.toString(), "--out", out.toString(),
        "--classpath", receipt.toString());
    assertEquals(0, ran.status(), ran.err());
    assertTrue(ran.out().contains("rewrote fixture.Orders.total (Orders.java:"), ran.out());
    assertEquals("Receipt 101, waiting for the socks", runMain("fixture.Orders", out, receipt));
  }

  @Test
  void explainReadsASubclassFromTheFolder() throws Exception {
    Path orders = InstrumentFixtures.compile(dir.resolve("orders"), List.of(), "Receipt", "Orders");

    MainTest.Ran ran = MainTest.run("explain", orders.toString(), "--method", "total");

    assertEquals(0, ran.status(), ran.err());
    assertFalse(ran.out().contains("cannot rewrite"), ran.out());
    assertTrue(ran.out().contains("total"), ran.out());
  }
}
