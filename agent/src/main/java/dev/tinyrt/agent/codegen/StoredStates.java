// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import java.util.List;

/**
 * What each state of a frame stores, as the rewrite planned it: a read-only view of the plan, for
 * tools that explain a rewrite (the {@code explain} command), so they never plan it again.
 *
 * @param states state 0 (the parameters, before the first poll) then state k (parked at await k)
 * @param localsHoisted whether the locals live in frame fields for the whole body, so an await's
 *     state lists no local
 */
public record StoredStates(List<List<Value>> states, boolean localsHoisted) {

  /**
   * One value of a state's stack map frame or of the operand stack under the awaited future.
   *
   * @param slot its original local slot, or -1 for an operand stack entry
   * @param type its verifier type ({@code StackMapTypes} encoding)
   * @param field the frame field holding it while parked, or null when it is not stored (dead,
   *     or a null)
   */
  public record Value(int slot, Object type, String field) {}
}
