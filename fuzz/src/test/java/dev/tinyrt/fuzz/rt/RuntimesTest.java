// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.rt.AsyncRuntime;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The driver's runtime kinds and how {@code --runtimes} picks them per program. */
class RuntimesTest {

  @Test
  void rotateRunsEveryProgramOnTheCurrentThreadRuntimeAndEachMultiThreadedKindInTurn() {
    Set<Driver.Kind> reached = EnumSet.noneOf(Driver.Kind.class);
    int kinds = Driver.Kind.values().length;
    for (int i = 0; i < kinds - 1; i++) {
      List<Driver.Kind> picked = Runtimes.ROTATE.forProgram(i);
      assertEquals(2, picked.size(), "two runs per program, as the default: " + picked);
      assertEquals(Driver.Kind.CURRENT_THREAD, picked.get(0));
      reached.add(picked.get(1));
    }
    assertEquals(EnumSet.complementOf(EnumSet.of(Driver.Kind.CURRENT_THREAD)), reached);
  }

  @Test
  void theDefaultIsTheTwoRuntimesTheFuzzerAlwaysRanAndKeepsTheirSeeds() {
    assertEquals(List.of(Driver.Kind.CURRENT_THREAD, Driver.Kind.MULTI_THREAD),
        Runtimes.parse("default").forProgram(7));
    // The driver seeds its choices with the ordinal: saved reproducers must replay as they were.
    assertEquals(0, Driver.Kind.CURRENT_THREAD.ordinal());
    assertEquals(1, Driver.Kind.MULTI_THREAD.ordinal());
  }

  @Test
  void aListAndAllParse() {
    assertEquals(List.of(Driver.Kind.FORK_JOIN, Driver.Kind.SHARED_QUEUE),
        Runtimes.parse("shared_queue, fork_join").forProgram(0));
    assertEquals(List.of(Driver.Kind.values()), Runtimes.parse("all").forProgram(3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Runtimes.parse("virtual"));
    assertTrue(e.getMessage().contains("three_workers"), e.getMessage());
  }

  @Test
  void everyKindBuildsARuntimeThatRunsATask() {
    for (Driver.Kind kind : Driver.Kind.values()) {
      AsyncRuntime rt = kind.build(AsyncRuntime.builder().name("kinds-" + kind));
      try {
        assertEquals(42L, rt.blockOn(rt.spawn(dev.tinyrt.Future.ready(42L))), kind.name());
      } finally {
        rt.shutdown(Duration.ofSeconds(5));
      }
    }
  }
}
