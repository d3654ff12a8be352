// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

/**
 * Where an async method's frame is: the await it is parked at, as the agent recorded it in the
 * frame class's await-point table. Reports ({@link TaskDump}, slow polls) print it the way a stack
 * trace prints a frame: {@code CartAsync.cartTotal (CartAsync.java:24), await(shoes)}.
 *
 * @param method the async method, {@code CartAsync.cartTotal}
 * @param state the frame's state: 0 before its first poll, k parked at await k, and the last
 *     state awaiting the future the method returned
 * @param location {@code CartAsync.java:24}, or {@code Unknown Source} without debug information
 * @param awaited the awaited expression ({@code shoes}, {@code fetch(...)}); in the last state the
 *     return statement whose future it awaits ({@code return fetch(...)}); empty in state 0
 */
public record AwaitPoint(String method, int state, String location, String awaited) {

  /**
   * The name of the static {@code String} constant in which an agent-generated frame class
   * carries its await-point table (the agent's {@code AwaitPointTable} says its format).
   */
  public static final String TABLE_FIELD = "AWAIT_POINTS";

  /**
   * @return {@code CartAsync.cartTotal (CartAsync.java:24), await(shoes)}; in the last state {@code
   *     CartAsync.cartTotal (CartAsync.java:28), return lookup(...)}
   */
  @Override
  public String toString() {
    String what = awaited.isEmpty() ? "not polled yet"
        : awaited.startsWith("return") ? awaited
        : "await(" + awaited + ")";
    return method + " (" + location + "), " + what;
  }
}
