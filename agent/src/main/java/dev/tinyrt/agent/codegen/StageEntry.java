// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import static org.objectweb.asm.Opcodes.ARETURN;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.DUP_X1;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.NEW;

import dev.tinyrt.agent.RuntimeNames;
import dev.tinyrt.agent.filter.ClassHierarchy;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * The two hooks that make an EA-style async method (declared to return {@code CompletableFuture},
 * a subclass of it, or {@code CompletionStage}) out of the ordinary state machine, whose frame is
 * a {@code dev.tinyrt.Future} as for any async method:
 *
 * <ul>
 *   <li>{@link #prepareReturns}, before the rewrite: each {@code return stage} of the body returns
 *       a {@code Future} of the stage instead, which the frame's tail awaits; {@code return
 *       CompletableFuture.completedFuture(v)} becomes {@code return Future.ready(v)}, so the frame
 *       finishes with no stage allocated and no tail poll;
 *   <li>{@link #startEagerly}, after it: the method no longer returns its frame but a new future
 *       of its declared type, handed with the frame to {@code StageTask.start}, which polls the
 *       frame at once on the calling thread and completes the future when the frame finishes.
 * </ul>
 */
public final class StageEntry {

  /** {@code CompletableFuture.completedFuture(Object)}. */
  private static final String COMPLETED_FUTURE_DESC =
      "(Ljava/lang/Object;)L" + ClassHierarchy.COMPLETABLE_FUTURE + ";";

  private StageEntry() {}

  /**
   * Makes every {@code ARETURN} of {@code method}'s body return a {@code dev.tinyrt.Future} of the
   * stage it returned.
   *
   * @param method an EA-style async method, not rewritten yet; changed in place
   */
  public static void prepareReturns(MethodNode method) {
    List<AbstractInsnNode> returns = new ArrayList<>();
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (insn.getOpcode() == ARETURN) {
        returns.add(insn);
      }
    }
    for (AbstractInsnNode areturn : returns) {
      AbstractInsnNode previous = StateMachineRewriter.previousInstructionInBlock(areturn);
      if (previous instanceof MethodInsnNode call
          && call.getOpcode() == INVOKESTATIC
          && call.owner.equals(ClassHierarchy.COMPLETABLE_FUTURE)
          && call.name.equals("completedFuture")
          && call.desc.equals(COMPLETED_FUTURE_DESC)) {
        // code: return Future.ready(v);   (was: return CompletableFuture.completedFuture(v);)
        method.instructions.set(call, new MethodInsnNode(
            INVOKESTATIC, RuntimeNames.FUTURE, "ready", RuntimeNames.FUTURE_READY_DESC, true));
      } else {
        // code: return StageTask.returned(stage);   (stack: stage -> future)
        method.instructions.insertBefore(areturn, new MethodInsnNode(
            INVOKESTATIC, RuntimeNames.STAGE_TASK, "returned", RuntimeNames.RETURNED_DESC, false));
      }
    }
  }

  /**
   * Makes the rewritten method, which ends by returning its frame, start the frame and return a
   * new future of {@code returnType} instead.
   *
   * @param stub the rewritten method (the frame's allocation), changed in place
   * @param returnType its declared return type's internal name: {@code CompletionStage}, {@code
   *     CompletableFuture} or a subclass with an accessible no-argument constructor
   */
  public static void startEagerly(MethodNode stub, String returnType) {
    AbstractInsnNode areturn = stub.instructions.getLast();
    while (areturn.getOpcode() != ARETURN) {
      areturn = areturn.getPrevious();
    }
    String promise = returnType.equals(ClassHierarchy.COMPLETION_STAGE)
        ? ClassHierarchy.COMPLETABLE_FUTURE
        : returnType;
    InsnList start = new InsnList();
    // code: P promise = new P();   (stack: frame -> frame promise)
    start.add(new TypeInsnNode(NEW, promise));
    start.add(new InsnNode(DUP));
    start.add(new MethodInsnNode(INVOKESPECIAL, promise, "<init>", "()V", false));
    // code: StageTask.start(frame, promise); return promise;   (stack: promise frame promise)
    start.add(new InsnNode(DUP_X1));
    start.add(new MethodInsnNode(
        INVOKESTATIC, RuntimeNames.STAGE_TASK, "start", RuntimeNames.START_DESC, false));
    stub.instructions.insertBefore(areturn, start); // stack: promise
  }
}
