// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AwaitedAt}: where a failed task's outcome was awaited, noted once per line. */
class AwaitedAtTest {

  private static List<Throwable> notes(Throwable t) {
    return Arrays.stream(t.getSuppressed()).filter(s -> s instanceof AwaitedAt).toList();
  }

  @Test
  void theAwaitingLineIsNotedOnceWithItsFrames() {
    IllegalStateException failure = new IllegalStateException("boom");
    StackTraceElement[] awaiting = {
        new StackTraceElement("com.example.Shop", "checkout", "Shop.java", 22),
        new StackTraceElement("com.example.Shop", "order", "Shop.java", 40)};
    assertSame(failure, AwaitedAt.noteAt(failure, "Task@test", awaiting));
    AwaitedAt.noteAt(failure, "Task@test", awaiting.clone()); // the same line: not noted twice
    List<Throwable> notes = notes(failure);
    assertEquals(1, notes.size(), notes::toString);
    assertEquals("the outcome of Task@test was awaited at Shop.checkout (Shop.java:22)",
        notes.get(0).getMessage());
    assertEquals(List.of(awaiting), List.of(notes.get(0).getStackTrace()));
    assertEquals(0, AwaitedAt.noteAt(new IllegalStateException(), "Task@x",
        new StackTraceElement[0]).getSuppressed().length, "no awaiting code, no note");
  }

  @Test
  void anExceptionGetsAtMostABoundedNumberOfNotes() {
    IllegalStateException failure = new IllegalStateException("boom");
    for (int line = 1; line <= AwaitedAt.MAX_PER_EXCEPTION + 3; line++) {
      StackTraceElement[] awaiting = {
          new StackTraceElement("com.example.Shop", "checkout", "Shop.java", line)};
      assertSame(failure, AwaitedAt.noteAt(failure, "Task@" + line, awaiting));
    }
    List<Throwable> notes = notes(failure);
    assertEquals(AwaitedAt.MAX_PER_EXCEPTION, notes.size());
    assertEquals("the outcome of Task@1 was awaited at Shop.checkout (Shop.java:1)",
        notes.get(0).getMessage());
  }
}
