// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.RuntimeNames;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Makes the host define its own frame classes: prepends to its static initializer, for each frame,
 * {@code FrameDefiner.define(MethodHandles.lookup(), "<the frame's class file>")}. Every method of
 * the host runs after its initializer, and the verifier loads no class for a frame value that only
 * flows into its own type, so the frame classes exist before they are first needed, in the host's
 * loader and package, whatever that loader is.
 */
public final class FrameDefinitionInjector {

  /** Bytes per string constant: a byte can take two bytes of modified UTF-8, the limit is 65535. */
  private static final int CHUNK = 30_000;

  private FrameDefinitionInjector() {}

  /**
   * Prepends the definitions of {@code frames} to {@code host}'s static initializer, creating one
   * if there is none.
   *
   * @param host the class, changed in place
   * @param frames the class files of its frames
   */
  public static void inject(ClassNode host, List<byte[]> frames) {
    MethodNode clinit = null;
    for (MethodNode m : host.methods) {
      if (m.name.equals("<clinit>")) {
        clinit = m;
      }
    }
    if (clinit == null) {
      clinit = new MethodNode(Opcodes.ASM9, Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
      clinit.instructions.add(new InsnNode(Opcodes.RETURN));
      host.methods.add(clinit);
    }
    InsnList defines = new InsnList();
    for (byte[] frame : frames) {
      // code: FrameDefiner.define(MethodHandles.lookup(), "<bytes>");
      defines.add(new MethodInsnNode(
          Opcodes.INVOKESTATIC,
          "java/lang/invoke/MethodHandles",
          "lookup",
          "()Ljava/lang/invoke/MethodHandles$Lookup;",
          false)); // stack: lookup
      pushEncoded(defines, frame); // stack: lookup bytes
      defines.add(new MethodInsnNode(
          Opcodes.INVOKESTATIC, RuntimeNames.FRAME_DEFINER, "define", RuntimeNames.DEFINE_DESC, false));
    }
    clinit.instructions.insert(defines);
  }

  /** Pushes the class file as one string, one char per byte, joined from constants if long. */
  private static void pushEncoded(InsnList out, byte[] bytes) {
    for (int from = 0; from < bytes.length || from == 0; from += CHUNK) {
      int to = Math.min(bytes.length, from + CHUNK);
      char[] chars = new char[to - from];
      for (int i = from; i < to; i++) {
        chars[i - from] = (char) (bytes[i] & 0xFF);
      }
      out.add(new LdcInsnNode(new String(chars)));
      if (from > 0) {
        // stack: head tail -> head+tail
        out.add(new MethodInsnNode(
            Opcodes.INVOKEVIRTUAL,
            "java/lang/String",
            "concat",
            "(Ljava/lang/String;)Ljava/lang/String;",
            false));
      }
      if (to == bytes.length) {
        break;
      }
    }
  }
}
