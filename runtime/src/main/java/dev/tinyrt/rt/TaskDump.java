// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Future;
import dev.tinyrt.internal.LockHolder;
import dev.tinyrt.internal.SafeText;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A dump of a runtime's live tasks, for a task that hangs or never runs: each task, where it is
 * parked ({@code File.java:line} of each async method on the way, innermost first, as a stack
 * trace lists them), what the innermost await waits for, and, when the JVM runs with {@code
 * -Dtinyrt.taskStats=true}, how often it was polled and woken and for how long it has been parked;
 * with {@code -Dtinyrt.lostWakers=true}, whether its waker is lost ({@link LostWakers}).
 *
 * <pre>{@code
 * System.out.print(TaskDump.text(rt));
 * }</pre>
 *
 * <p>From outside the process, the same text is the {@code dump} operation of the runtime's
 * platform MBean, {@code dev.tinyrt:type=Runtime,name=<name>}, with {@code -Dtinyrt.jmx=true}
 * ({@link TinyrtRuntimeMXBean}).
 */
public final class TaskDump {

  /**
   * One live task.
   *
   * @param task the task, as its handle prints
   * @param status {@code parked}, {@code scheduled} (in a run queue) or {@code running}
   * @param future what the task runs: an async method's frame prints {@code
   *     CartAsync.cartTotal frame, state 2}, its state being the await it is parked at
   * @param parkedAt where it waits, innermost async method first (the frames of the task's
   *     future, each awaiting the next); empty for a future that is no agent-generated frame, or
   *     a running task
   * @param awaiting what the innermost await waits for (or the future itself, for a task whose
   *     future is no frame), or null (running, or between two states)
   * @param polls how many times it was polled, or -1 without {@code -Dtinyrt.taskStats=true}
   * @param wakes how many times it was woken, the wake that scheduled it at spawn included; or -1
   *     without the counts
   * @param parkedNanos for how long it has been parked, or -1 (not parked, or without the counts)
   */
  public record Entry(
      String task, String status, String future, List<AwaitPoint> parkedAt, String awaiting,
      int polls, int wakes, long parkedNanos) {}

  private TaskDump() {}

  /**
   * Returns the live tasks of {@code runtime} now.
   *
   * @param runtime the runtime
   * @return one entry per task that has not finished, in no particular order
   */
  public static List<Entry> of(AsyncRuntime runtime) {
    List<Entry> entries = new ArrayList<>();
    long now = TaskStats.now();
    for (Task<?> task : runtime.liveSnapshot()) {
      int state = task.state();
      if ((state & TaskState.COMPLETE) != 0) {
        continue;
      }
      String status = (state & TaskState.RUNNING) != 0
          ? "running"
          : (state & TaskState.SCHEDULED) != 0 ? "scheduled" : "parked";
      Future<?> future = task.future();
      List<AwaitPoint> parkedAt = List.of();
      String awaiting = null;
      if (!status.equals("running") && future != null) {
        FrameTable.Chain chain = FrameTable.chain(future);
        parkedAt = List.copyOf(chain.points());
        awaiting = chain.frames().isEmpty() ? null
            : chain.leaf() == null ? null : describe(chain.leaf());
      }
      TaskStats.Snapshot counts = TaskStats.of(task, now);
      entries.add(new Entry(
          task.toString(),
          status,
          SafeText.of(future),
          parkedAt,
          awaiting,
          counts == null ? -1 : counts.polls(),
          counts == null ? -1 : counts.wakes(),
          counts == null || !status.equals("parked") ? -1 : counts.parkedNanos()));
    }
    return entries;
  }

  /**
   * Describes what a task awaits: the future as it prints, and for a lock ({@code Mutex.lock()})
   * who holds it and where that holder is parked.
   */
  private static String describe(Object leaf) {
    String text = SafeText.of(leaf);
    if (!(leaf instanceof LockHolder lock)) {
      return text;
    }
    Object holder = lock.holder();
    if (holder == null) {
      return text + ", held by no task (free now, or taken with tryLock())";
    }
    if (!(holder instanceof Task<?> task)) {
      return text + ", held by a future polled outside a task (" + SafeText.of(holder) + ")";
    }
    int state = task.state();
    String where;
    if ((state & TaskState.COMPLETE) != 0) {
      where = "finished without closing its guard";
    } else if ((state & TaskState.RUNNING) != 0) {
      where = "running";
    } else if ((state & TaskState.SCHEDULED) != 0) {
      where = "scheduled";
    } else {
      FrameTable.Chain chain = FrameTable.chain(task.future());
      where = chain.frames().isEmpty() ? "parked in " + SafeText.of(task.future())
          : "parked at " + chain.points().get(0);
    }
    return text + ", held by " + task + ", " + where;
  }

  /**
   * Returns the dump of {@code runtime} as text: a line per task, then its await points, innermost
   * first, and what the innermost one awaits.
   *
   * <pre>
   * tinyrt task dump of shop: 1 live task
   *   Task@1b6d3586 parked for 1204 ms, polled 2, woken 2: Shop.checkout frame, state 1
   *     at Shop.price (Shop.java:31), await(reply)
   *     at Shop.checkout (Shop.java:22), await(price(...))
   *     awaiting Oneshot.Receiver[empty]
   * </pre>
   *
   * @param runtime the runtime
   * @return the text, each line ending with a newline
   */
  public static String text(AsyncRuntime runtime) {
    List<Entry> entries = of(runtime);
    Set<String> lostWakers = new HashSet<>();
    if (LostWakers.ENABLED) {
      for (Task<?> task : runtime.liveSnapshot()) {
        if (LostWakers.DETECTOR.isLost(task)) {
          lostWakers.add(task.toString());
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("tinyrt task dump of ").append(runtime.name()).append(": ").append(entries.size())
        .append(entries.size() == 1 ? " live task\n" : " live tasks\n");
    for (Entry e : entries) {
      out.append("  ").append(e.task()).append(' ').append(e.status());
      if (e.parkedNanos() >= 0) {
        out.append(" for ").append(e.parkedNanos() / 1_000_000).append(" ms");
      }
      if (e.polls() >= 0) {
        out.append(", polled ").append(e.polls()).append(", woken ").append(e.wakes());
      }
      out.append(": ").append(e.future()).append('\n');
      for (AwaitPoint p : e.parkedAt()) {
        out.append("    at ").append(p).append('\n');
      }
      if (e.awaiting() != null) {
        out.append("    awaiting ").append(e.awaiting()).append('\n');
      }
      if (lostWakers.contains(e.task())) {
        out.append("    its waker is lost: nothing can wake it (-D").append(LostWakers.PROPERTY)
            .append(")\n");
      }
    }
    if (!entries.isEmpty() && !TaskStats.ENABLED) {
      out.append("  (run with -D").append(TaskStats.PROPERTY)
          .append("=true for poll and wake counts and parked times)\n");
    }
    return out.toString();
  }
}
