// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import dev.tinyrt.agent.analysis.ControlFlow;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * How many {@code java.util.concurrent.locks.Lock}s a method may hold before each instruction: a
 * forward pass over the {@link ControlFlow} graph, as {@code MonitorDepth} does for monitors,
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

  /** Locks held before each instruction; -1 where unreachable. */
  private final int[] depth;

  private LockDepth(int[] depth) {
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
    InsnList insns = method.instructions;
    int size = insns.size();
    int[] depth = new int[size];
    Arrays.fill(depth, -1);
    if (size == 0) {
      return new LockDepth(depth);
    }
    ControlFlow flow = ControlFlow.of(method);
    Deque<Integer> work = new ArrayDeque<>();
    depth[0] = 0;
    work.add(0);
    while (!work.isEmpty()) {
      int i = work.poll();
      AbstractInsnNode insn = insns.get(i);
      int before = depth[i];
      // An exception raised by this instruction reaches the handler with the depth before it.
      for (int handler : flow.handlers(i)) {
        flow(depth, work, handler, before);
      }
      if (isTryLock(insn) && testedAtOnce(insn) == null) {
        // A tryLock whose result is kept for later: count it as taken.
        for (int successor : flow.successors(i)) {
          flow(depth, work, successor, Math.min(before + 1, MAX_DEPTH));
        }
        continue;
      }
      // The test of a tryLock's result: the lock is held on the branch where it returned true.
      AbstractInsnNode tested = insn instanceof JumpInsnNode ? previous(insn) : null;
      JumpInsnNode test = tested != null && isTryLock(tested) && testedAtOnce(tested) == insn
          ? (JumpInsnNode) insn
          : null;
      int acquiredAt = test == null
          ? -1
          : test.getOpcode() == Opcodes.IFNE
              ? insns.indexOf(test.label)
              : i + 1; // IFEQ falls through when tryLock returned true
      int after = isLock(insn)
          ? Math.min(before + 1, MAX_DEPTH)
          : isUnlock(insn) ? Math.max(before - 1, 0) : before;
      for (int successor : flow.successors(i)) {
        flow(depth, work, successor, successor == acquiredAt ? Math.min(after + 1, MAX_DEPTH) : after);
      }
    }
    return new LockDepth(depth);
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

  private static void flow(int[] depth, Deque<Integer> work, int target, int value) {
    if (value > depth[target]) {
      depth[target] = value;
      work.add(target);
    }
  }

  /** @return how many locks may be held before instruction {@code index} (0 if unreachable) */
  int before(int index) {
    return Math.max(depth[index], 0);
  }
}
