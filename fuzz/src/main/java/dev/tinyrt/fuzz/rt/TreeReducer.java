// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing program tree: tries replacing a subtree by a constant or by one of its
 * children, and dropping a child of a list, keeping each change after which the program still
 * fails the same way, until none is kept or the budget of runs is spent.
 */
final class TreeReducer {

  /** The property a candidate must keep. */
  private final Predicate<Node> stillFails;

  /** Runs left. */
  private int budget;

  TreeReducer(Predicate<Node> stillFails, int budget) {
    this.stillFails = stillFails;
    this.budget = budget;
  }

  /**
   * @param program a failing program
   * @return the smallest failing program found
   */
  Node reduce(Node program) {
    Node best = program;
    boolean progress = true;
    while (progress && budget > 0) {
      progress = false;
      for (Node candidate : candidates(best)) {
        if (budget-- <= 0) {
          break;
        }
        if (stillFails.test(candidate)) {
          best = candidate;
          progress = true;
          break;
        }
      }
    }
    return best;
  }

  /** @return the programs one step smaller than {@code n}, the largest cuts first */
  static List<Node> candidates(Node n) {
    List<Node> out = new ArrayList<>();
    // The whole node: a constant, or one of its children in its place.
    if (!(n instanceof Node.Value)) {
      out.add(new Node.Value(0));
    }
    out.addAll(n.kids());
    List<Node> kids = n.kids();
    // Drop one child of a list (a list keeps at least one).
    if (kids.size() > 1 && !(n instanceof Node.Spawn) && !(n instanceof Node.Cleanup)) {
      for (int i = 0; i < kids.size(); i++) {
        List<Node> fewer = new ArrayList<>(kids);
        fewer.remove(i);
        out.add(n.with(fewer));
      }
    }
    // The same, inside each child.
    for (int i = 0; i < kids.size(); i++) {
      for (Node smaller : candidates(kids.get(i))) {
        List<Node> replaced = new ArrayList<>(kids);
        replaced.set(i, smaller);
        out.add(n.with(replaced));
      }
    }
    return out;
  }
}
