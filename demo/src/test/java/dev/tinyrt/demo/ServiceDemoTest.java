// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The service demo accounts for every job: done by a worker, or timed out. */
@Timeout(60)
class ServiceDemoTest {

  @Test
  void everyJobIsDoneOrTimedOut() {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      ServiceDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    String summary = lines.get(lines.size() - 1);
    Matcher m = Pattern.compile("jobs done per worker: \\[(\\d+), (\\d+), (\\d+)\\], timed out: (\\d+)")
        .matcher(summary);
    assertTrue(m.matches(), summary);
    int done = Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3));
    int timedOut = Integer.parseInt(m.group(4));
    assertEquals(20, done + timedOut, summary);
    // Jobs 4, 9, 14 and 19 take 400 ms against a 35 ms limit (a timer late by the margin would
    // find both due, and the job, polled first, would win); the others take at most 30 ms.
    assertEquals(4, timedOut, String.join("\n", lines));
    assertEquals(lines.size() - 1, timedOut);
  }
}
