// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * A task spawned while the runtime shuts down is counted before it is visible in the live list:
 * else the shutdown's abort could see it, complete it (cancelled before its first poll) and remove
 * it while the list's size did not count it yet, taking the count to 0 while the root task that
 * spawned it was still live; {@code awaitLive} then returned true, the give-up was skipped, and the
 * root stayed live forever (found by the runtime fuzzer on three workers under load; failed here
 * with {@code size.incrementAndGet()} after {@link TaskList#add}'s lock, as it was).
 */
public class TaskListShutdownRaceModelCheckTest {

  private static final AsyncRuntime OWNER = AsyncRuntime.currentThread();

  private final TaskList live = new TaskList();

  private final Task<?> root = new Task<>(cx -> Poll.pending(), OWNER);

  private final List<Task<?>> removed = new ArrayList<>();

  private volatile boolean sawNoneLive;

  public TaskListShutdownRaceModelCheckTest() {
    live.add(root);
  }

  /** The root's poll spawns a child (AsyncRuntime.spawn: live.add, then the wake). */
  @Operation(nonParallelGroup = "spawner")
  public void spawnChild() {
    live.add(new Task<>(cx -> Poll.pending(), OWNER));
  }

  /** The shutdown: aborts what it sees (the child completes before its first poll), then asks. */
  @Operation(nonParallelGroup = "shutdown")
  public void abortThenAwaitLive() {
    for (Task<?> t : live.snapshot()) {
      if (t != root && !removed.contains(t)) {
        removed.add(t);
        live.remove(t);
      }
    }
    if (live.size() == 0) {
      sawNoneLive = true;
    }
  }

  @Validate
  public void theRootIsAlwaysCounted() {
    if (sawNoneLive) {
      throw new AssertionError("live.size() was 0 while the root task was in the live list: "
          + "shutdown would skip its give-up and leave the root live forever");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(TaskListShutdownRaceModelCheckTest.class, DeepCheck.modelChecking(2, 50));
  }
}
