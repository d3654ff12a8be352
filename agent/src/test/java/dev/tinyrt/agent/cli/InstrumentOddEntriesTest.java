// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code instrument} and {@code explain} on a jar with odd entries: a class file that does not
 * parse (a truncated header), a directory entry, a class in the default package and a resource.
 * The broken class is reported and kept byte for byte, everything else is kept or rewritten, the
 * rewritten jar runs, and {@code explain} still explains the good class.
 */
@Timeout(120)
class InstrumentOddEntriesTest {

  /** A class file whose header ends after its version: no constant pool. */
  private static final byte[] TRUNCATED =
      {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9};

  /** A class of the default package with no async method. */
  private static final String PLAIN = """
      public class Plain {
        static int answer() {
          return 42;
        }
      }
      """;

  @TempDir Path dir;

  private Path oddJar() throws Exception {
    Path shop = InstrumentFixtures.compile(dir, java.util.List.of(), "Shop");
    Path plainSource = Files.writeString(dir.resolve("Plain.java"), PLAIN);
    Path plainOut = dir.resolve("classes-plain");
    assertEquals(0, javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "--release", "17", "-d", plainOut.toString(), plainSource.toString()));
    Path jar = dir.resolve("odd.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry("fixture/"));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("fixture/Broken.class"));
      zip.write(TRUNCATED);
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("Plain.class"));
      zip.write(Files.readAllBytes(plainOut.resolve("Plain.class")));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("fixture/notes.txt"));
      zip.write("not a class".getBytes());
      zip.closeEntry();
      for (Map.Entry<String, byte[]> e : InstrumentFixtures.files(shop).entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void aBrokenClassIsReportedAndKeptAndTheRestIsRewrittenAndRuns() throws Exception {
    Path jar = oddJar();
    byte[] plainBefore;
    try (ZipFile before = new ZipFile(jar.toFile())) {
      plainBefore = before.getInputStream(before.getEntry("Plain.class")).readAllBytes();
    }
    MainTest.Ran ran = MainTest.run("instrument", jar.toString());

    assertEquals(0, ran.status(), ran.err());
    assertTrue(ran.err().contains("left unchanged: fixture/Broken.class could not be parsed"),
        ran.err());
    // What it means and what to do: check the file, rebuild or remove it, run again.
    assertTrue(ran.err().contains("is left as it was: if it has async methods, their awaits "
        + "throw when they run. Check that class file with 'javap -v'"), ran.err());
    assertTrue(ran.err().contains("then run instrument again"), ran.err());
    assertTrue(ran.out().contains("1 async methods rewritten in 1 classes"), ran.out());
    try (ZipFile after = new ZipFile(jar.toFile())) {
      assertArrayEquals(TRUNCATED,
          after.getInputStream(after.getEntry("fixture/Broken.class")).readAllBytes());
      assertArrayEquals(plainBefore,
          after.getInputStream(after.getEntry("Plain.class")).readAllBytes());
      assertNotNull(after.getEntry("fixture/"), "the directory entry is kept");
      assertEquals("not a class", new String(
          after.getInputStream(after.getEntry("fixture/notes.txt")).readAllBytes()));
      assertNotNull(after.getEntry("fixture/Shop$cartTotal-Frame.class"));
    }
    assertEquals("total 101 after 2 polls of the socks", InstrumentCommandTest.runShop(jar));
  }

  @Test
  void explainSkipsTheBrokenClassAndExplainsTheGoodOne() throws Exception {
    MainTest.Ran ran = MainTest.run("explain", oddJar().toString());

    assertEquals(0, ran.status(), ran.err());
    assertTrue(ran.out().contains("cartTotal"), ran.out());
  }
}
