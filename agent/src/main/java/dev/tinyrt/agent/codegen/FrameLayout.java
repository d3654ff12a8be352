// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed fields of a frame class, shared by all its states: each state numbers its values of a
 * kind from 0, so the frame has as many fields of a kind as its largest state needs, not the sum.
 * The future a state awaits is one of its reference values (the last), not a field of its own.
 */
final class FrameLayout {

  /** The name of the frame's state field: 0 before the first poll, k parked at await k. */
  static final String STATE = "state";

  /** The state of a frame that returned or threw. */
  static final int DONE = -1;

  /** Fields of each kind the frame has, by {@link ValueKind#ordinal()}. */
  private final int[] fieldCounts = new int[ValueKind.values().length];

  /** Fields of each kind used so far by the state being laid out. */
  private int[] used = new int[ValueKind.values().length];

  /** The fields of hoisted locals ({@link HoistedLocals}), in first-use order, with their kinds. */
  private final Map<String, ValueKind> hoisted = new LinkedHashMap<>();

  /** Starts laying out a new state: its fields are numbered from 0 again. */
  void beginState() {
    used = new int[ValueKind.values().length];
  }

  /** @return the name of the next free field of {@code kind} in the current state */
  String allocate(ValueKind kind) {
    int index = used[kind.ordinal()]++;
    fieldCounts[kind.ordinal()] = Math.max(fieldCounts[kind.ordinal()], index + 1);
    return kind.prefix + index;
  }

  /** Adds the field {@code name} of a hoisted local, once. */
  void hoist(String name, ValueKind kind) {
    hoisted.putIfAbsent(name, kind);
  }

  /** @return the fields of hoisted locals, with their kinds */
  Map<String, ValueKind> hoisted() {
    return hoisted;
  }

  /** @return how many fields of {@code kind} the frame class needs */
  int count(ValueKind kind) {
    return fieldCounts[kind.ordinal()];
  }
}
