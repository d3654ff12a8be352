// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import dev.tinyrt.agent.analysis.AsyncMethods;
import dev.tinyrt.agent.analysis.ControlFlows;
import dev.tinyrt.agent.analysis.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The warnings the agent logs as a class loads, for two of the chapter's lessons, in each async
 * method: a known blocking call (it holds the executor's thread), and an await reached while a
 * {@code java.util.concurrent.locks.Lock} may be held (the task parks with the lock). One warning
 * per call site or await, with {@code Class.method (File.java:line)} and what to do instead.
 */
public final class LoadTimeWarnings {

  private LoadTimeWarnings() {}

  /**
   * Returns the warnings for {@code classFile}.
   *
   * @param classFile a class file that mentions {@code dev/tinyrt/Async}
   * @param allowed the blocking calls not to warn about
   * @return the warnings, in method and code order
   */
  public static List<String> of(byte[] classFile, AllowList allowed) {
    ClassNode node = new ClassNode();
    new ClassReader(classFile).accept(node, ClassReader.SKIP_FRAMES);
    return of(node, allowed, new ControlFlows());
  }

  /**
   * Returns the warnings for a class already read, walking the control-flow graphs {@code flows}
   * holds (the rewrite's own, when it built one for a method) and adding those it builds.
   *
   * @param node a class that mentions {@code dev/tinyrt/Async}, as read (not yet rewritten)
   * @param allowed the blocking calls not to warn about
   * @param flows the class's control-flow graphs so far
   * @return the warnings, in method and code order
   */
  public static List<String> of(ClassNode node, AllowList allowed, ControlFlows flows) {
    List<String> warnings = new ArrayList<>();
    for (MethodNode method : node.methods) {
      List<MethodInsnNode> awaits = AsyncMethods.awaitsOf(method);
      if (awaits.isEmpty() || !AsyncMethods.returnsFuture(method)) {
        continue; // not an async method: a refusal says why, if it awaits
      }
      blockingCalls(node, method, allowed, warnings);
      locksHeld(node, method, awaits, flows, warnings);
    }
    return warnings;
  }

  private static void blockingCalls(
      ClassNode owner, MethodNode method, AllowList allowed, List<String> warnings) {
    String caller = owner.name.replace('/', '.') + "." + method.name;
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (!(insn instanceof MethodInsnNode call)) {
        continue;
      }
      BlockingCalls.Match match = BlockingCalls.match(call);
      if (match == null || allowed.allows(match.qualified(), caller)) {
        continue;
      }
      SourceLocation where = SourceLocation.of(owner, method, call);
      warnings.add(blockingWarning(where, match, caller));
    }
  }

  /** The text of a blocking-call warning. */
  static String blockingWarning(SourceLocation where, BlockingCalls.Match match, String caller) {
    return "tinyrt: " + where.simpleClassName() + "." + where.method() + " ("
        + where.fileAndLine() + ") calls " + match.call() + ", which blocks the executor thread "
        + "it runs on: every task queued there waits too. Instead, " + match.alternative()
        + ". If it is intended, allow it: add " + caller + " (the caller) or "
        + match.qualified() + " (the call) to the file of the agent option allowBlocking=FILE, "
        + "or to -D" + AllowList.PROPERTY + "=...";
  }

  private static void locksHeld(
      ClassNode owner,
      MethodNode method,
      List<MethodInsnNode> awaits,
      ControlFlows flows,
      List<String> warnings) {
    List<AbstractInsnNode> takes = new ArrayList<>();
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (LockDepth.isLock(insn) || LockDepth.isTryLock(insn)) {
        takes.add(insn);
      }
    }
    if (takes.isEmpty()) {
      return;
    }
    LockDepth depth = LockDepth.of(method, flows.of(method));
    Set<Integer> lines = new TreeSet<>();
    for (AbstractInsnNode take : takes) {
      lines.add(SourceLocation.of(owner, method, take).line());
    }
    for (MethodInsnNode await : awaits) {
      if (depth.before(method.instructions.indexOf(await)) > 0) {
        warnings.add(lockWarning(SourceLocation.of(owner, method, await), lines));
      }
    }
  }

  /** The text of a lock-held warning. */
  static String lockWarning(SourceLocation await, Set<Integer> lockLines) {
    StringBuilder taken = new StringBuilder();
    for (int line : lockLines) {
      taken.append(taken.length() == 0 ? "" : ", ").append(line);
    }
    return "tinyrt: " + await.simpleClassName() + "." + await.method() + " ("
        + await.fileAndLine() + ") awaits while a java.util.concurrent.locks.Lock taken at line "
        + taken + " may still be held: the task parks holding it, every thread that wants it "
        + "blocks until the task resumes, and it may resume on another thread, which cannot "
        + "unlock it. Unlock before the await (in a finally), or use dev.tinyrt.sync.Mutex, "
        + "whose guard may be held across awaits: try (var guard = await(mutex.lock())) { ... }";
  }
}
