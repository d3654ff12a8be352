// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Future;

/** What the driver calls on {@link Interp}, which another class loader defines, rewritten. */
public interface Interpreter {

  /**
   * Returns the root future of task {@code task}: runs {@code body} and records the task's start
   * and end in {@code env}.
   *
   * @param body the program, or a spawned subtree
   * @param env the run
   * @param task the task's id in {@code env}
   * @return a lazy future (an async frame)
   */
  Future<Long> task(Node body, Env env, int task);
}
