// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the generator may put in a program: {@code --features} restricts a batch to some of them
 * (CI's fixed-seed batch leaves out those the runtime still fails, each listed with a seed).
 */
enum Feature {
  /** Spawned tasks, joined, aborted or detached. */
  SPAWN,
  /** {@code joinAll}, {@code select} and {@code race}. */
  COMBINATORS,
  /** {@code Tasks.timeout}. */
  TIMEOUT,
  /** Sleeps on the manual clock. */
  SLEEP,
  /** The async {@code Mutex}. */
  MUTEX,
  /** The {@code Semaphore}. */
  SEMAPHORE,
  /** {@code Mpsc} channels (two bounded, one unbounded), one locked receiver at a time. */
  CHANNEL,
  /**
   * Receives that share an {@code Mpsc} receiver with no lock around them, so several wait at
   * once: the channel moves between its lock-free slot and its locked queues under aborts.
   */
  SHARED_RECV,
  /** {@code Notify}. */
  NOTIFY,
  /**
   * {@code Oneshot} channels: values sent, senders closed or dropped (closed by the collector)
   * while receivers wait, often inside a {@code select} or {@code timeout} that abandons them.
   */
  ONESHOT,
  /** {@code Watch} channels: sends, closes, and {@code changed()} waits of fresh subscribers. */
  WATCH,
  /**
   * {@code Broadcast} channels of capacity 2 with long-lived receivers that several receives share,
   * so they lag behind ({@code LaggedException}); closes while receives wait.
   */
  BROADCAST,
  /** Handles of spawned tasks awaited by several tasks at once, and after an abort. */
  SHARED_JOIN,
  /** {@code Tasks.spawnBlocking} awaited, and abandoned by combinators. */
  BLOCKING,
  /** Ticks of the timer's {@code Interval}s (one per missed-tick policy), abandoned or awaited. */
  TICK,
  /** Thrown and caught unchecked exceptions. */
  THROW,
  /** Thrown and caught checked exceptions (an async method throws them unwrapped). */
  CHECKED,
  /** Clean-up in a {@code finally}, inside {@code Futures.nonCancellable}. */
  NON_CANCELLABLE,
  /** Aborts injected by the driver at random steps. */
  ABORT,
  /** A task aborting itself while it runs, from inside the program. */
  SELF_ABORT,
  /** Runtime shutdowns injected by the driver at random steps. */
  SHUTDOWN;

  /**
   * Parses {@code all}, or a comma-separated list of names.
   *
   * @param text e.g. {@code spawn,sleep,mutex}
   * @return the set
   */
  static Set<Feature> parse(String text) {
    if (text.equals("all")) {
      return EnumSet.allOf(Feature.class);
    }
    Set<Feature> set = EnumSet.noneOf(Feature.class);
    for (String name : text.split(",")) {
      try {
        set.add(valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown feature " + name + "; use all or some of "
            + EnumSet.allOf(Feature.class).toString().toLowerCase(Locale.ROOT), e);
      }
    }
    return set;
  }
}
