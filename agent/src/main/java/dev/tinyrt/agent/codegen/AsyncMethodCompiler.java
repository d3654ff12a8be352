// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.analysis.MethodAnalysis;
import dev.tinyrt.agent.analysis.RewriteRefusedException;
import dev.tinyrt.agent.analysis.SourceLocation;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The code generator's entry: one async method in, its state machine in the host and its frame
 * class out.
 */
public final class AsyncMethodCompiler {

  private AsyncMethodCompiler() {}

  /**
   * What compiling one async method produced.
   *
   * @param frameClass the frame's class file
   * @param bodyDesc the descriptor of the body method added to the host
   * @param stored what each state stores, as planned (for {@code explain})
   */
  public record Compiled(byte[] frameClass, String bodyDesc, StoredStates stored) {}

  /**
   * Rewrites {@code method} of {@code host} in place and returns its frame class.
   *
   * @param host the class, changed in place (a body method is added)
   * @param method an async method accepted by {@code AsyncMethods.checkRewritable}
   * @param frame the internal name to give the frame class
   * @param trace whether to emit trace events
   * @param hoistLocals whether to hoist the locals into frame fields even where it does not pay
   * @param neverPolled whether the frame calls {@code NeverPolled} from its constructor and poll
   * @return the frame class file and the body's descriptor
   * @throws RewriteRefusedException if the method has a shape that cannot be made correct
   */
  public static Compiled compile(
      ClassNode host, MethodNode method, String frame, boolean trace, boolean hoistLocals,
      boolean neverPolled)
      throws RewriteRefusedException {
    // Analysis: hoist uninitialized objects out of the way, then types and liveness at each await.
    ConstructorHoisting.apply(host, method);
    MethodAnalysis analysis = MethodAnalysis.of(host, method);
    SourceLocation where = SourceLocation.of(host, method, null);
    AwaitPointTable awaitPoints = AwaitPointTable.before(host, method, analysis);

    // Code generation: the state machine in the host, then the frame class it needs.
    int extraInts = 0;
    while (declares(host, method.name, StateMachineRewriter.bodyDescriptor(extraInts))) {
      extraInts++;
    }
    String bodyDesc = StateMachineRewriter.bodyDescriptor(extraInts);
    StateMachineRewriter.Result result =
        StateMachineRewriter.rewrite(host, method, analysis, frame, bodyDesc, trace, hoistLocals);
    byte[] frameClass = FrameClassGenerator.generate(
        frame,
        host.name,
        (host.access & Opcodes.ACC_INTERFACE) != 0,
        host.version,
        host.sourceFile,
        where.line(),
        method.name,
        bodyDesc,
        extraInts,
        result.layout(),
        where.simpleClassName() + "." + where.method() + " frame",
        awaitPoints.render(result.stored()),
        neverPolled);
    return new Compiled(frameClass, bodyDesc, result.stored());
  }

  private static boolean declares(ClassNode host, String name, String desc) {
    for (MethodNode m : host.methods) {
      if (m.name.equals(name) && m.desc.equals(desc)) {
        return true;
      }
    }
    return false;
  }
}
