// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import static org.objectweb.asm.Opcodes.ACONST_NULL;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.DUP_X2;
import static org.objectweb.asm.Opcodes.GETFIELD;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.POP;
import static org.objectweb.asm.Opcodes.PUTFIELD;
import static org.objectweb.asm.Opcodes.SWAP;

import dev.tinyrt.agent.analysis.AwaitSite;
import dev.tinyrt.agent.analysis.StackMapTypes;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The other way to keep locals across awaits, as C#'s compiler does with hoisted locals: every
 * local of the body lives in a frame field ({@code J$4} for the {@code long} in slot 4) for the
 * whole body, so an await saves and restores no local and costs a constant amount of code.
 *
 * <p>Saving and restoring the live locals at each await (the default) keeps locals in registers
 * between awaits, but its code grows with awaits times live values: quadratic when many values
 * stay live. A method whose save and restore code would pass {@link #SPILL_LIMIT} bytes is
 * rewritten this way instead. The price: each local access is a field access, and a reference
 * field keeps its last value until overwritten or the frame completes.
 */
final class HoistedLocals {

  /**
   * The most bytes of save and restore code a method may take before its locals are hoisted:
   * HotSpot's {@code HugeMethodLimit}, past which a method is never compiled.
   */
  static final int SPILL_LIMIT = 8000;

  /** Bytes to store a live local at a suspension and restore it on resume, at most. */
  private static final int SAVE_AND_RESTORE_BYTES = 16;

  /** Bytes to give a dead local of the stack map frame a default value on resume. */
  private static final int DEFAULT_BYTES = 3;

  /** For each reference load of the method, the verifier type of the local it reads. */
  private final Map<AbstractInsnNode, Object> loadedTypes;

  private HoistedLocals(Map<AbstractInsnNode, Object> loadedTypes) {
    this.loadedTypes = loadedTypes;
  }

  /**
   * Whether saving and restoring the locals at each await would take more than {@link
   * #SPILL_LIMIT} bytes of code.
   *
   * @param awaits the method's await sites
   * @return whether to hoist its locals instead
   */
  static boolean pay(List<AwaitSite> awaits) {
    long bytes = 0;
    for (AwaitSite site : awaits) {
      List<Object> locals = site.locals();
      for (int slot = 0; slot < locals.size(); slot++) {
        Object type = locals.get(slot);
        if (type == Opcodes.TOP) {
          continue;
        }
        bytes += site.live().get(slot) ? SAVE_AND_RESTORE_BYTES : DEFAULT_BYTES;
      }
    }
    return bytes > SPILL_LIMIT;
  }

  /**
   * Reads the types the rewrite needs from {@code method} as it is, before any change.
   *
   * @param owner the internal name of the declaring class
   * @param method the async method
   * @return the hoisting, or null if a local holds an object under construction (kept as is)
   */
  static HoistedLocals prepare(String owner, MethodNode method) {
    StackMapTypes types = StackMapTypes.of(owner, method);
    Map<AbstractInsnNode, Object> loaded = new IdentityHashMap<>();
    int index = 0;
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null;
        insn = insn.getNext(), index++) {
      if (insn.getOpcode() == ALOAD && types.localsBefore(index) != null) {
        Object type = types.localsBefore(index).get(((VarInsnNode) insn).var);
        if (!(type instanceof String) && type != Opcodes.NULL) {
          return null; // uninitialized: a constructor's 'this', never an async method's
        }
        loaded.put(insn, type);
      }
    }
    return new HoistedLocals(loaded);
  }

  /** @return the name of the field holding slot {@code slot} when it has kind {@code kind} */
  static String field(ValueKind kind, int slot) {
    return kind.prefix + "$" + slot;
  }

  /**
   * Turns every local access of {@code body} into a field access of the frame, and leaves only
   * {@code prefix} (the frame and the context) in its stack map frames.
   *
   * @param body the body method, its locals already moved up by {@code shift}
   * @param frame the frame's internal name
   * @param frameSlot the body's local holding the frame
   * @param shift how far the original locals were moved up
   * @param prefix the body's own locals, as stack map frame types
   * @param layout the frame's fields, to which the hoisted ones are added
   */
  void apply(
      MethodNode body, String frame, int frameSlot, int shift, List<Object> prefix, FrameLayout layout) {
    InsnList code = body.instructions;
    for (AbstractInsnNode insn = code.getFirst(); insn != null; ) {
      AbstractInsnNode next = insn.getNext();
      if (insn instanceof VarInsnNode v) {
        ValueKind kind = kindOf(v.getOpcode());
        String name = field(kind, v.var - shift);
        layout.hoist(name, kind);
        code.insert(insn, isLoad(v.getOpcode())
            ? load(frame, frameSlot, name, kind, loadedTypes.get(insn))
            : store(frame, frameSlot, name, kind));
        code.remove(insn);
      } else if (insn instanceof IincInsnNode iinc) {
        String name = field(ValueKind.INT, iinc.var - shift);
        layout.hoist(name, ValueKind.INT);
        // code: frame.I$n += increment;   stack: frame frame int -> frame int -> (empty)
        InsnList add = new InsnList();
        add.add(new VarInsnNode(ALOAD, frameSlot));
        add.add(new InsnNode(DUP));
        add.add(new FieldInsnNode(GETFIELD, frame, name, "I"));
        add.add(Emitter.push(iinc.incr));
        add.add(new InsnNode(IADD));
        add.add(new FieldInsnNode(PUTFIELD, frame, name, "I"));
        code.insert(insn, add);
        code.remove(insn);
      } else if (insn instanceof FrameNode f) {
        f.local = List.copyOf(prefix);
      }
      insn = next;
    }
    // The original slots are never written: a debugger reading them would show garbage.
    body.localVariables = null;
  }

  /** code: push (T) frame.F;   or null, when the verifier knows the local is null. */
  private static InsnList load(String frame, int frameSlot, String name, ValueKind kind, Object type) {
    InsnList out = new InsnList();
    if (type == Opcodes.NULL) {
      out.add(new InsnNode(ACONST_NULL));
      return out;
    }
    out.add(new VarInsnNode(ALOAD, frameSlot));
    out.add(new FieldInsnNode(GETFIELD, frame, name, kind.descriptor));
    if (type instanceof String internalName && !internalName.equals("java/lang/Object")) {
      out.add(new TypeInsnNode(CHECKCAST, internalName));
    }
    return out;
  }

  /** code: frame.F = value;   stack: value -> (empty) */
  private static InsnList store(String frame, int frameSlot, String name, ValueKind kind) {
    InsnList out = new InsnList();
    out.add(new VarInsnNode(ALOAD, frameSlot));
    if (kind.isTwoSlot()) {
      out.add(new InsnNode(DUP_X2)); // stack: frame value(2) frame
      out.add(new InsnNode(POP)); // stack: frame value(2)
    } else {
      out.add(new InsnNode(SWAP)); // stack: frame value
    }
    out.add(new FieldInsnNode(PUTFIELD, frame, name, kind.descriptor));
    return out;
  }

  private static boolean isLoad(int opcode) {
    return opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD;
  }

  private static ValueKind kindOf(int opcode) {
    int base = isLoad(opcode) ? opcode - Opcodes.ILOAD : opcode - Opcodes.ISTORE;
    return switch (base) {
      case 0 -> ValueKind.INT;
      case 1 -> ValueKind.LONG;
      case 2 -> ValueKind.FLOAT;
      case 3 -> ValueKind.DOUBLE;
      case 4 -> ValueKind.REFERENCE;
      default -> throw new IllegalArgumentException("not a load or store: " + opcode);
    };
  }
}
