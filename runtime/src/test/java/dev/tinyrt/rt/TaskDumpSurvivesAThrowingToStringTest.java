// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A task whose future's {@code toString} throws made {@link TaskDump#text} (and the MBean's dump)
 * throw, so the dump that diagnoses a hang showed nothing at all; the entry now says the {@code
 * toString} threw, and the rest of the dump is there (found by a hostile round; it failed before).
 */
class TaskDumpSurvivesAThrowingToStringTest {

  /** A future that never finishes and cannot be printed. */
  private static final class Unprintable implements Future<Object> {
    @Override
    public Poll<Object> poll(Context cx) {
      return Poll.pending();
    }

    @Override
    public String toString() {
      throw new UnsupportedOperationException("toString of a user's future");
    }
  }

  @Test
  void aThrowingToStringDoesNotBreakTheWholeDump() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      rt.spawn(new Unprintable());
      rt.spawn(cx -> Poll.pending());
      rt.blockOn(Tasks.yieldNow());
      String dump = TaskDump.text(rt);
      assertTrue(dump.contains("2 live tasks"), dump);
      assertTrue(dump.contains(Unprintable.class.getName()
          + ".toString() threw java.lang.UnsupportedOperationException"), dump);
    } finally {
      rt.shutdown(Duration.ZERO);
    }
  }
}
