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
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
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

  /** A cart whose first await is pending: its own future wakes itself, then is ready. */
  static final String SHOP = """
      package fixture;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Async;
      import dev.tinyrt.Context;
      import dev.tinyrt.Future;
      import dev.tinyrt.Poll;

      public class Shop {
        static int polls;

        static final class Later implements Future<Long> {
          boolean woken;

          @Override
          public Poll<Long> poll(Context cx) {
            polls++;
            if (woken) {
              return Poll.ready(12L);
            }
            woken = true;
            cx.waker().wake();
            return Poll.pending();
          }
        }

        static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
          long socksPrice = await(socks); // AWAIT
          long shoesPrice = await(shoes);
          return Future.ready(socksPrice + shoesPrice);
        }

        public static void main(String[] args) {
          long total = Async.blockOn(cartTotal(new Later(), Future.ready(89L)));
          System.out.println("total " + total + " after " + polls + " polls of the socks");
        }
      }
      """;

  /** A monitor held across an await: refused, with its line. */
  static final String REFUSED = """
      package fixture;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Future;

      public class Refused {
        static Future<Long> locked(Future<Long> price) {
          synchronized (Refused.class) {
            return Future.ready(await(price)); // REFUSED
          }
        }
      }
      """;

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
    shopClasses = compile(compiled, "Shop", SHOP);
  }

  @BeforeEach
  void copyTheShop() throws IOException {
    classes = dir.resolve("classes");
    for (Map.Entry<String, byte[]> file : files(shopClasses).entrySet()) {
      Path target = classes.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
  }

  /**
   * Compiles {@code fixture/NAME.java} against this JVM's class path (the runtime on it).
   *
   * @return the folder of its class files, under {@code dir}
   */
  static Path compile(Path dir, String name, String source) throws IOException {
    Path sources = dir.resolve("src/fixture");
    Files.createDirectories(sources);
    Path file = Files.writeString(sources.resolve(name + ".java"), source);
    Path out = dir.resolve("classes-" + name);
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status = ToolProvider.getSystemJavaCompiler().run(null, null, errors,
        "--release", "17", "-d", out.toString(),
        "-cp", System.getProperty("java.class.path"), file.toString());
    assertEquals(0, status, errors.toString(StandardCharsets.UTF_8));
    return out;
  }

  static int lineOf(String source, String marker) {
    List<String> lines = source.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError(marker);
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

  /** Runs {@code fixture.Shop} in a fresh JVM, without any agent, on {@code classPath} and the runtime. */
  static String runShop(Path classPath) throws Exception {
    Path runtime = Path.of(
        dev.tinyrt.Future.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classPath + File.pathSeparator + runtime, "fixture.Shop")
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.strip();
  }

  @Test
  void withoutInstrumentTheShopFailsWithoutTheAgent() throws Exception {
    Path runtime = Path.of(
        dev.tinyrt.Future.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classes + File.pathSeparator + runtime, "fixture.Shop")
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("Async.await was called in fixture.Shop.cartTotal"), out);
  }

  @Test
  void anInstrumentedFolderRunsWithOnlyTheRuntimeAndReportsWhatItRewrote() throws Exception {
    Path out = dir.resolve("out");
    MainTest.Ran ran = MainTest.run("instrument", classes.toString(), "--out", out.toString());

    assertEquals(0, ran.status(), ran.err());
    int line = lineOf(SHOP, "// AWAIT");
    assertTrue(ran.out().contains("rewrote fixture.Shop.cartTotal (Shop.java:" + line + ")"), ran.out());
    assertTrue(ran.out().contains("1 async methods rewritten in 1 classes (1 frame classes written), "
        + "0 refused, 0 classes already rewritten; " + out), ran.out());
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
    Map<String, byte[]> once = files(classes);

    MainTest.Ran second = MainTest.run("instrument", classes.toString());
    assertEquals(0, second.status(), second.err());
    assertTrue(second.out().contains("0 async methods rewritten in 0 classes (0 frame classes "
        + "written), 0 refused, 1 classes already rewritten"), second.out());
    Map<String, byte[]> twice = files(classes);
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
      for (Map.Entry<String, byte[]> entry : files(classes).entrySet()) {
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
    Path refused = compile(dir, "Refused", REFUSED);
    MainTest.Ran ran = MainTest.run("instrument", refused.toString());

    assertEquals(InstrumentCommand.PROBLEMS, ran.status());
    int line = lineOf(REFUSED, "// REFUSED");
    assertTrue(ran.err().startsWith("refused: "), ran.err());
    assertTrue(ran.err().contains("fixture.Refused.locked"), ran.err());
    assertTrue(ran.err().contains("Refused.java:" + line), ran.err());
    assertTrue(ran.out().contains("0 async methods rewritten in 1 classes (0 frame classes written), "
        + "1 refused"), ran.out());
  }

  @Test
  void aRefusalIsReportedAgainWhenTheRewrittenFolderIsInstrumentedAgain() throws Exception {
    Path refused = compile(dir, "Refused", REFUSED);
    MainTest.Ran first = MainTest.run("instrument", refused.toString());
    assertEquals(InstrumentCommand.PROBLEMS, first.status(), first.out());

    MainTest.Ran second = MainTest.run("instrument", refused.toString());

    assertEquals(InstrumentCommand.PROBLEMS, second.status(), second.out());
    int line = lineOf(REFUSED, "// REFUSED");
    assertTrue(second.err().startsWith("refused: "), second.err());
    assertTrue(second.err().contains("Refused.java:" + line), second.err());
    assertEquals(first.err(), second.err());
    assertTrue(second.out().contains("1 refused, 1 classes already rewritten"), second.out());
  }
}
