// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import java.util.function.Predicate;

/**
 * Shrinks a divergent program: deletes statements one at a time, keeping each deletion after
 * which the program still compiles and still diverges, until no deletion is kept.
 */
final class Reducer {

  private Reducer() {}

  /**
   * Reduces {@code program} in place.
   *
   * @param program the divergent program
   * @param stillFails whether a candidate still compiles and diverges
   * @return how many statements were deleted
   */
  static int reduce(Program program, Predicate<Program> stillFails) {
    int deleted = 0;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Program.Block block : program.allBlocks()) {
        for (int i = block.stmts.size() - 1; i >= 0; i--) {
          Program.Stmt removed = block.stmts.remove(i);
          if (stillFails.test(program)) {
            deleted++;
            progress = true;
          } else {
            block.stmts.add(i, removed);
          }
        }
      }
    }
    return deleted;
  }
}
