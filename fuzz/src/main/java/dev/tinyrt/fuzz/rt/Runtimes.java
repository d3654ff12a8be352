// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which runtimes ({@link Driver.Kind}) each program of a batch runs on, {@code --runtimes}: a fixed
 * list, every program on each (the default: the current-thread and the work-stealing runtime), or
 * {@code rotate}: every program on the current-thread runtime and on one multi-threaded kind, the
 * next one for the next program, so a batch reaches every pool and I/O mode in the time of two
 * runtimes per program.
 *
 * @param fixed the kinds every program runs on; empty when rotating
 */
record Runtimes(List<Driver.Kind> fixed) {

  /** The current-thread and the two-worker work-stealing runtime, as the fuzzer always ran. */
  static final Runtimes DEFAULT =
      new Runtimes(List.of(Driver.Kind.CURRENT_THREAD, Driver.Kind.MULTI_THREAD));

  /** Every program on the current-thread runtime and one multi-threaded kind, in turn. */
  static final Runtimes ROTATE = new Runtimes(List.of());

  /** The multi-threaded kinds {@link #ROTATE} goes through. */
  private static final List<Driver.Kind> MULTI = Arrays.stream(Driver.Kind.values())
      .filter(k -> k != Driver.Kind.CURRENT_THREAD).toList();

  /**
   * Parses {@code default}, {@code all}, {@code rotate} or a comma-separated list of kinds.
   *
   * @param text e.g. {@code fork_join,shared_queue}
   * @return the selection
   */
  static Runtimes parse(String text) {
    switch (text) {
      case "default":
        return DEFAULT;
      case "all":
        return new Runtimes(List.of(Driver.Kind.values()));
      case "rotate":
        return ROTATE;
      default:
        break;
    }
    Set<Driver.Kind> kinds = EnumSet.noneOf(Driver.Kind.class);
    for (String name : text.split(",")) {
      try {
        kinds.add(Driver.Kind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown runtime " + name + "; use default, all, "
            + "rotate or some of " + names(), e);
      }
    }
    return new Runtimes(List.copyOf(kinds));
  }

  /**
   * @param index the program's index in its batch
   * @return the kinds program {@code index} runs on
   */
  List<Driver.Kind> forProgram(int index) {
    if (!fixed.isEmpty()) {
      return fixed;
    }
    List<Driver.Kind> kinds = new ArrayList<>(2);
    kinds.add(Driver.Kind.CURRENT_THREAD);
    kinds.add(MULTI.get(Math.floorMod(index, MULTI.size())));
    return kinds;
  }

  /** @return how a report names the selection, e.g. {@code rotate} or {@code fork_join} */
  @Override
  public String toString() {
    return fixed.isEmpty() ? "rotate" : fixed.stream().map(k -> k.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(","));
  }

  /** The kinds' names, lower case, for messages. */
  private static String names() {
    return Arrays.stream(Driver.Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(","));
  }
}
