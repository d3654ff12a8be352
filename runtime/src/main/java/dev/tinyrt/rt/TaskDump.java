// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Future;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * A dump of a runtime's live tasks, for a task that hangs or never runs: each task, what it runs
 * (an async method's frame says which method and which await it is parked at), what that await
 * waits for, and, when the JVM runs with {@code -Dtinyrt.taskStats=true}, how often it was
 * polled and woken and for how long it has been parked.
 *
 * <pre>{@code
 * System.out.print(TaskDump.text(rt));
 * }</pre>
 */
public final class TaskDump {

  /** The field of an agent-generated frame that holds the future it is parked on. */
  private static final String AWAITED_FIELD = "awaited";

  /**
   * One live task.
   *
   * @param task the task, as its handle prints
   * @param status {@code parked}, {@code scheduled} (in a run queue) or {@code running}
   * @param future what the task runs: an async method's frame prints {@code
   *     CartAsync.cartTotal frame, state 2}, its state being the await it is parked at
   * @param awaiting what the frame's await waits for, or null (no frame, or not parked)
   * @param polls how many times it was polled, or -1 without {@code -Dtinyrt.taskStats=true}
   * @param wakes how many times it was woken, the wake that scheduled it at spawn included; or -1
   *     without the counts
   * @param parkedNanos for how long it has been parked, or -1 (not parked, or without the counts)
   */
  public record Entry(
      String task, String status, String future, String awaiting, int polls, int wakes,
      long parkedNanos) {}

  private TaskDump() {}

  /**
   * Returns the live tasks of {@code runtime} now.
   *
   * @param runtime the runtime
   * @return one entry per task that has not finished, in no particular order
   */
  public static List<Entry> of(AsyncRuntime runtime) {
    List<Entry> entries = new ArrayList<>();
    for (Task<?> task : runtime.liveSnapshot()) {
      int state = task.state();
      if ((state & TaskState.COMPLETE) != 0) {
        continue;
      }
      String status = (state & TaskState.RUNNING) != 0
          ? "running"
          : (state & TaskState.SCHEDULED) != 0 ? "scheduled" : "parked";
      Future<?> future = task.future();
      TaskStats.Snapshot counts = TaskStats.of(task);
      entries.add(new Entry(
          task.toString(),
          status,
          String.valueOf(future),
          status.equals("parked") ? awaited(future) : null,
          counts == null ? -1 : counts.polls(),
          counts == null ? -1 : counts.wakes(),
          counts == null || !status.equals("parked") ? -1 : counts.parkedNanos()));
    }
    return entries;
  }

  /**
   * Returns the dump of {@code runtime} as text, one line per task.
   *
   * @param runtime the runtime
   * @return the text, each line ending with a newline
   */
  public static String text(AsyncRuntime runtime) {
    List<Entry> entries = of(runtime);
    StringBuilder out = new StringBuilder();
    out.append("tinyrt task dump of ").append(runtime.name()).append(": ").append(entries.size())
        .append(entries.size() == 1 ? " live task\n" : " live tasks\n");
    for (Entry e : entries) {
      out.append("  ").append(e.task()).append(' ').append(e.status());
      if (e.parkedNanos() >= 0) {
        out.append(" for ").append(e.parkedNanos() / 1_000_000).append(" ms");
      }
      out.append(": ").append(e.future());
      if (e.awaiting() != null) {
        out.append(", awaiting ").append(e.awaiting());
      }
      if (e.polls() >= 0) {
        out.append("; polled ").append(e.polls()).append(", woken ").append(e.wakes());
      } else {
        out.append("; (run with -D").append(TaskStats.PROPERTY)
            .append("=true for poll and wake counts and parked times)");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** What a frame's await waits for, read from its field; null for a future that is no frame. */
  private static String awaited(Future<?> future) {
    if (future == null) {
      return null;
    }
    try {
      Field field = future.getClass().getDeclaredField(AWAITED_FIELD);
      if (!field.getType().equals(Future.class)) {
        return null;
      }
      field.setAccessible(true);
      return String.valueOf(field.get(future));
    } catch (NoSuchFieldException e) {
      return null; // a hand-written future: its toString says what it is
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "? (" + e.getClass().getSimpleName() + ")";
    }
  }
}
