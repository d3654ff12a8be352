// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tinyrt.agent.RuntimeNames;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Frames call {@code NeverPolled} only when rewritten with the never-polled option (the JVM
 * property {@code tinyrt.neverPolled} where the rewrite runs): off, a frame has no call at all.
 */
class NeverPolledEmissionTest {

  /** The calls of {@code NeverPolled} in each frame of the golden Cart, as {@code method>callee}. */
  private static List<String> neverPolledCalls(ClassRewriter.Options options) throws Exception {
    byte[] cart = Files.readAllBytes(
        GoldenRewriteTest.GOLDEN.resolve("classes/golden/Cart.class"));
    ClassRewriter.Outcome outcome = ClassRewriter.rewrite(cart, options);
    assertFalse(outcome.frames().isEmpty(), "the golden Cart has async methods");
    List<String> calls = new ArrayList<>();
    for (byte[] frame : outcome.frames().values()) {
      ClassNode node = new ClassNode();
      new ClassReader(frame).accept(node, 0);
      for (MethodNode m : node.methods) {
        for (AbstractInsnNode n : m.instructions) {
          if (n instanceof MethodInsnNode call && call.owner.equals(RuntimeNames.NEVER_POLLED)) {
            calls.add(m.name + ">" + call.name);
          }
        }
      }
    }
    return calls;
  }

  @Test
  void offAFrameHasNoNeverPolledCall() throws Exception {
    assertEquals(List.of(), neverPolledCalls(new ClassRewriter.Options(false, false, false)));
  }

  @Test
  void onEachFrameCallsItFromItsConstructorAndPoll() throws Exception {
    List<String> calls = neverPolledCalls(new ClassRewriter.Options(false, false, true));
    int frames = calls.size() / 2;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      expected.add("<init>>created");
      expected.add("poll>polling");
    }
    assertEquals(expected, calls);
    assertFalse(calls.isEmpty());
  }
}
