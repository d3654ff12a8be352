// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * What the code generator needs to know about an async method: its await sites with the types and
 * liveness of everything there, the same for the method's entry, and the stack at each return.
 *
 * @param entryLocals the types of the locals (the parameters) on entry
 * @param entryLive the parameters the body reads
 * @param awaits the await sites in code order; the state of the k-th is k (1-based)
 * @param returns each {@code ARETURN} with the stack before it
 */
public record MethodAnalysis(
    List<Object> entryLocals, BitSet entryLive, List<AwaitSite> awaits, List<ReturnSite> returns) {

  /**
   * An {@code ARETURN} of the async method.
   *
   * @param insn the instruction
   * @param stack the stack before it, bottom first; its top is the returned future
   */
  public record ReturnSite(AbstractInsnNode insn, List<Object> stack) {}

  /**
   * Analyses {@code method}, whose uninitialized objects around awaits were already hoisted.
   *
   * @param owner the declaring class
   * @param method an async method
   * @return the analysis
   * @throws RewriteRefusedException if an await has a value the frame cannot hold
   */
  public static MethodAnalysis of(ClassNode owner, MethodNode method)
      throws RewriteRefusedException {
    StackMapTypes types = StackMapTypes.of(owner.name, method);
    Liveness liveness = Liveness.of(method);
    InsnList insns = method.instructions;

    // Entry: the parameters.
    List<Object> entryLocals = types.localsBefore(0);
    BitSet entryLive = liveness.liveBefore(0);

    // Await sites and returns, in code order.
    List<AwaitSite> awaits = new ArrayList<>();
    List<ReturnSite> returns = new ArrayList<>();
    int index = 0;
    for (AbstractInsnNode insn = insns.getFirst(); insn != null; insn = insn.getNext(), index++) {
      List<Object> locals = types.localsBefore(index);
      if (locals == null) {
        continue; // unreachable code: the JVM never runs it and we leave it as it is
      }
      List<Object> stack = types.stackBefore(index);
      if (AsyncMethods.isAwait(insn)) {
        MethodInsnNode call = (MethodInsnNode) insn;
        SourceLocation where = SourceLocation.of(owner, method, call);
        rejectUninitialized(locals, where);
        rejectUninitialized(stack, where);
        // Live after the call: the call reads no local, so this is the set before it.
        awaits.add(new AwaitSite(
            call,
            call.desc.equals(dev.tinyrt.agent.RuntimeNames.AWAIT_STAGE_DESC),
            locals,
            stack,
            liveness.liveBefore(index + 1 < insns.size() ? index + 1 : index),
            where));
      } else if (insn.getOpcode() == Opcodes.ARETURN) {
        returns.add(new ReturnSite(insn, stack));
      }
    }
    return new MethodAnalysis(entryLocals, entryLive, awaits, returns);
  }

  private static void rejectUninitialized(List<Object> types, SourceLocation where)
      throws RewriteRefusedException {
    for (Object t : types) {
      if (t instanceof Label || t == Opcodes.UNINITIALIZED_THIS) {
        throw new RewriteRefusedException(
            "tinyrt cannot rewrite " + where + ": an object under construction is on the stack "
                + "at Async.await in a shape tinyrt does not move (it handles 'new T(..., "
                + "await(x), ...)' as javac compiles it). Assign the awaited value to a local "
                + "variable first, then construct the object.");
      }
    }
  }
}
