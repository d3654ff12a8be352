// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import dev.tinyrt.agent.analysis.ControlFlow;
import dev.tinyrt.agent.analysis.ForwardDataflow;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * How many {@code java.util.concurrent.locks.Lock}s a method may hold before each instruction: a
 * forward pass over the {@link ControlFlow} graph with the {@link ForwardDataflow} solver that
 * {@code MonitorDepth} uses for monitors,
 * counting {@code lock()}, {@code lockInterruptibly()} and a successful {@code tryLock()} up and
 * {@code unlock()} down along every path; where paths meet the larger count wins, so a lock held
 * on any path is seen.
 *
 * <p>What it approximates: it counts calls, not receivers (an {@code unlock} of one lock makes up
 * for the {@code lock} of another); it sees calls through the {@code Lock} interface and the
 * JDK's {@code ReentrantLock} and read/write locks, not through a class of the user's own; a
 * {@code tryLock} counts as taken on the branch where it returned true when a jump tests it at
 * once, else always; a lock taken by a caller is not seen.
 */
final class LockDepth {

  /** The most nested locks tracked; deeper counts stay here, which still means "held". */
  private static final int MAX_DEPTH = 64;

  /** The classes whose {@code lock}/{@code unlock} calls are counted. */
  private static final Set<String> LOCK_TYPES = Set.of(
      "java/util/concurrent/locks/Lock",
      "java/util/concurrent/locks/ReentrantLock",
      "java/util/concurrent/locks/ReentrantReadWriteLock$ReadLock",
      "java/util/concurrent/locks/ReentrantReadWriteLock$WriteLock");

  /** Locks held before each instruction; null where unreachable. */
  private final List<Integer> depth;

  private LockDepth(List<Integer> depth) {
    this.depth = depth;
  }

  /** @return whether {@code insn} takes a lock: {@code lock()}, {@code lockInterruptibly()} */
  static boolean isLock(AbstractInsnNode insn) {
    return isCall(insn, "lock") || isCall(insn, "lockInterruptibly");
  }

  /** @return whether {@code insn} is a {@code tryLock} call */
  static boolean isTryLock(AbstractInsnNode insn) {
    return isCall(insn, "tryLock");
  }

  private static boolean isUnlock(AbstractInsnNode insn) {
    return isCall(insn, "unlock");
  }

  private static boolean isCall(AbstractInsnNode insn, String name) {
    return insn instanceof MethodInsnNode call
        && call.name.equals(name)
        && LOCK_TYPES.contains(call.owner);
  }

  /**
   * Computes the lock depth before each instruction of {@code method}.
   *
   * @param method a method with code
   * @return the depths
   */
  static LockDepth of(MethodNode method) {
    return of(method, ControlFlow.of(method));
  }

  /**
   * Computes the lock depth before each instruction of {@code method} over its graph.
   *
   * @param method a method with code
   * @param flow its control-flow graph, as it is now
   * @return the depths
   */
  static LockDepth of(MethodNode method, ControlFlow flow) {
    InsnList insns = method.instructions;
    return new LockDepth(ForwardDataflow.solve(flow,
        new ForwardDataflow.Problem<Integer>() {
          @Override
          public Integer entry() {
            return 0;
          }

          @Override
          public Integer transfer(int i, Integer before, int successor) {
            AbstractInsnNode insn = insns.get(i);
            if (isTryLock(insn) && testedAtOnce(insn) == null) {
              return Math.min(before + 1, MAX_DEPTH); // a tryLock kept for later: count it taken
            }
            if (isLock(insn)) {
              return Math.min(before + 1, MAX_DEPTH);
            }
            if (isUnlock(insn)) {
              return Math.max(before - 1, 0);
            }
            // The test of a tryLock's result: the lock is held on the branch where it returned true.
            return successor == acquiredAt(insns, insn, i) ? Math.min(before + 1, MAX_DEPTH) : before;
          }

          @Override
          public Integer merge(Integer a, Integer b) {
            return Math.max(a, b);
          }
        }));
  }

  /**
   * The successor of {@code insn} (at {@code index}) where a {@code tryLock} it tests at once
   * returned true: the jump target of {@code IFNE}, the fall-through of {@code IFEQ}; -1 if
   * {@code insn} tests no {@code tryLock}.
   */
  private static int acquiredAt(InsnList insns, AbstractInsnNode insn, int index) {
    AbstractInsnNode tested = insn instanceof JumpInsnNode ? previous(insn) : null;
    if (tested == null || !isTryLock(tested) || testedAtOnce(tested) != insn) {
      return -1;
    }
    return insn.getOpcode() == Opcodes.IFNE
        ? insns.indexOf(((JumpInsnNode) insn).label)
        : index + 1; // IFEQ falls through when tryLock returned true
  }

  /** The {@code IFEQ}/{@code IFNE} that tests {@code tryLock}'s result right after it, or null. */
  private static JumpInsnNode testedAtOnce(AbstractInsnNode tryLock) {
    AbstractInsnNode next = next(tryLock);
    return next instanceof JumpInsnNode jump
            && (jump.getOpcode() == Opcodes.IFEQ || jump.getOpcode() == Opcodes.IFNE)
            && previous(jump) == tryLock
        ? jump
        : null;
  }

  /** The next real instruction after {@code insn} (labels, lines and frames skipped), or null. */
  private static AbstractInsnNode next(AbstractInsnNode insn) {
    AbstractInsnNode n = insn.getNext();
    while (n != null && n.getOpcode() < 0) {
      n = n.getNext();
    }
    return n;
  }

  /** The real instruction before {@code insn} in the same block, or null. */
  private static AbstractInsnNode previous(AbstractInsnNode insn) {
    AbstractInsnNode p = insn.getPrevious();
    while (p != null && p.getOpcode() < 0) {
      if (p.getType() == AbstractInsnNode.LABEL || p.getType() == AbstractInsnNode.FRAME) {
        return null; // a jump target: the value may come from elsewhere
      }
      p = p.getPrevious();
    }
    return p;
  }

  /** @return how many locks may be held before instruction {@code index} (0 if unreachable) */
  int before(int index) {
    Integer held = depth.get(index);
    return held == null ? 0 : held;
  }
}
