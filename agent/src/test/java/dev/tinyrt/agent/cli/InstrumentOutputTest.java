// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code instrument} writes: never a marked host without its frames, and jar entries that keep
 * their method and time.
 */
class InstrumentOutputTest {

  @TempDir Path dir;

  /**
   * An in-place run that cannot write a frame (here a directory in its way; for a non-root user, a
   * read-only package folder does the same) must not leave the host rewritten and marked without
   * its frame: the next run would skip it as "already rewritten" and the class fail at run time.
   */
  @Test
  void aRunThatCannotWriteAFrameLeavesItsHostForTheNextRun() throws Exception {
    Path classes = InstrumentFixtures.compile(dir, java.util.List.of(), "Shop");
    Path frame = classes.resolve("fixture/Shop$cartTotal-Frame.class");
    Files.createDirectories(frame); // the frame cannot be written
    MainTest.Ran first = MainTest.run("instrument", classes.toString());
    assertEquals(InstrumentCommand.PROBLEMS, first.status(), first.err());
    Files.delete(frame); // the obstacle is gone
    MainTest.Ran second = MainTest.run("instrument", classes.toString());
    assertEquals(0, second.status(), second.err());
    assertTrue(Files.isRegularFile(frame),
        "the rerun succeeded (" + second.out().strip() + ") but the frame was never written");
    assertEquals("total 101 after 2 polls of the socks", InstrumentCommandTest.runShop(classes));
  }

  /**
   * Rewriting a jar keeps each entry's method and time: a nested jar that must stay STORED
   * (Spring Boot's BOOT-INF/lib) is not compressed.
   */
  @Test
  void aStoredEntryStaysStoredAndEntriesKeepTheirTime() throws Exception {
    Path classes = InstrumentFixtures.compile(dir, java.util.List.of(), "Shop");
    Path jar = dir.resolve("app.jar");
    byte[] nested = "a nested jar".getBytes();
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      ZipEntry stored = new ZipEntry("BOOT-INF/lib/dep.jar");
      stored.setMethod(ZipEntry.STORED);
      stored.setSize(nested.length);
      CRC32 crc = new CRC32();
      crc.update(nested);
      stored.setCrc(crc.getValue());
      stored.setTime(1_000_000_000_000L);
      zip.putNextEntry(stored);
      zip.write(nested);
      zip.closeEntry();
      for (Map.Entry<String, byte[]> e : InstrumentFixtures.files(classes).entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    MainTest.Ran ran = MainTest.run("instrument", jar.toString());
    assertEquals(0, ran.status(), ran.err());
    try (ZipFile rewritten = new ZipFile(jar.toFile())) {
      ZipEntry e = rewritten.getEntry("BOOT-INF/lib/dep.jar");
      assertEquals(ZipEntry.STORED, e.getMethod(), "the nested jar was deflated");
      assertEquals(1_000_000_000_000L, e.getTime(), "the entry's time was not kept");
    }
  }
}
