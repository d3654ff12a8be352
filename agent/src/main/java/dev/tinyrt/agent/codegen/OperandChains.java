// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.analysis.AwaitSite;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;

/**
 * Which awaits share the operands waiting under their future with the await before them, so that
 * their suspensions and resumptions share code: a long string concatenation, an array
 * initialiser or a call's arguments with several awaits among them.
 *
 * <p>Await k <em>extends</em> await k - 1 when the operand stack under k's future starts with every
 * operand under k - 1's future, of the same types, and holds more. Such awaits form a chain; each
 * parks its operands in the same fields (they are laid out first, bottom first, so equal types get
 * equal fields), and the code is shared along the chain:
 *
 * <ul>
 *   <li>the suspension of await k stores the operands it adds, then jumps into the suspension of
 *       k - 1 at the point where k - 1 stores its own, and so on down to the chain's first await,
 *       which returns pending;
 *   <li>one resumption per chain pushes the first await's operands, resumes it if the state is
 *       its own, else pushes the next await's added operands, and so on.
 * </ul>
 *
 * <p>So each await adds code for its own operands and a constant, never for the operands under
 * them: the code grows linearly. Stack map frames at the shared jump targets still list the whole
 * operand stack (one frame per await in the suspension chain and one in the resumption chain).
 * Only the types matter: every suspension stores the whole stack again, so it does not matter
 * which path led to an await. An await that adds no operand to the one before it does not join
 * that one's chain (it would only add a jump), so a chain's length is bounded by the operands it
 * holds and walking it costs a suspension or a resumption no more than storing or pushing them.
 */
final class OperandChains {

  /** For each await, the await it extends (k - 1), or -1 when it starts a chain or is alone. */
  private final int[] parent;

  /** For each await, whether the next await extends it. */
  private final boolean[] extended;

  private OperandChains(int[] parent, boolean[] extended) {
    this.parent = parent;
    this.extended = extended;
  }

  /**
   * Finds the chains among {@code awaits}.
   *
   * @param awaits the await sites, in code order
   * @return which await extends which
   */
  static OperandChains of(List<AwaitSite> awaits) {
    int[] parent = new int[awaits.size()];
    boolean[] extended = new boolean[awaits.size()];
    for (int k = 0; k < awaits.size(); k++) {
      parent[k] = k > 0 && addsTo(under(awaits.get(k)), under(awaits.get(k - 1))) ? k - 1 : -1;
      if (parent[k] >= 0) {
        extended[k - 1] = true;
      }
    }
    return new OperandChains(parent, extended);
  }

  /**
   * No chains: every await saves and restores its whole operand stack itself. For traced code,
   * whose trace line at a suspension names the fields holding the operands, and so must come
   * after all of them are stored.
   *
   * @param awaits how many awaits the method has
   * @return chains of one await each
   */
  static OperandChains none(int awaits) {
    int[] parent = new int[awaits];
    Arrays.fill(parent, -1);
    return new OperandChains(parent, new boolean[awaits]);
  }

  /** @return the await that {@code k} extends, or -1 */
  int parent(int k) {
    return parent[k];
  }

  /** @return whether the next await extends {@code k} */
  boolean extended(int k) {
    return extended[k];
  }

  /** @return whether await {@code k} is part of a chain of two or more awaits */
  boolean chained(int k) {
    return parent[k] >= 0 || extended[k];
  }

  /** The operand stack under an await's future, bottom first (two entries for a long or double). */
  static List<Object> under(AwaitSite site) {
    return site.stack().subList(0, site.stack().size() - 1);
  }

  /**
   * Whether {@code stack} holds all of the non-empty {@code earlier}, same types, and more: every
   * entry one that a field can hold (an object still uninitialized cannot be stored).
   */
  private static boolean addsTo(List<Object> stack, List<Object> earlier) {
    if (earlier.isEmpty() || stack.size() <= earlier.size()
        || !stack.subList(0, earlier.size()).equals(earlier)) {
      return false;
    }
    for (Object type : stack) {
      if (type instanceof Label || type == Opcodes.UNINITIALIZED_THIS) {
        return false;
      }
    }
    return true;
  }
}
