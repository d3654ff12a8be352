// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import dev.tinyrt.agent.RuntimeNames;
import dev.tinyrt.agent.analysis.AsyncMethods;
import dev.tinyrt.agent.analysis.ControlFlow;
import dev.tinyrt.agent.analysis.RewriteRefusedException;
import dev.tinyrt.agent.analysis.SourceLocation;
import dev.tinyrt.agent.codegen.AsyncMethodCompiler;
import dev.tinyrt.agent.codegen.StoredStates;
import dev.tinyrt.agent.filter.AsyncFilter;
import dev.tinyrt.agent.filter.ClassHierarchy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Explains the async methods of a class as the chapter's enums ({@code Start { socks, shoes }},
 * {@code GotSocks { socksPrice, shoes }}, {@code Done}). It rewrites a copy of the class with the
 * agent's own code generator and reads back the plan of states it made, so what it shows is what
 * the rewrite stores; names and lines come from the original method's debug information.
 */
public final class Explainer {

  /** The name of the state after the last await: the frame returned or threw. */
  static final String DONE = "Done";

  /** The name of the state before the first poll. */
  static final String START = "Start";

  private Explainer() {}

  /**
   * Explains the async methods of {@code classFile}.
   *
   * @param classFile a class file
   * @param methodName explain only methods of this name, or null for all
   * @return one explanation per async method, in declaration order; empty for a class without
   *     awaits
   */
  public static List<MethodExplanation> explain(byte[] classFile, String methodName) {
    return explain(classFile, methodName, ClassHierarchy.of(/* loader = */ null));
  }

  /**
   * Explains the async methods of {@code classFile}, reading the classes an EA-style method
   * returns through {@code hierarchy} (the defining loader's at load time; the folder or jar and
   * the class path given at build time).
   *
   * @param classFile a class file
   * @param methodName explain only methods of this name, or null for all
   * @param hierarchy where to read other classes' files from
   * @return one explanation per async method, in declaration order; empty for a class without
   *     awaits
   */
  public static List<MethodExplanation> explain(
      byte[] classFile, String methodName, ClassHierarchy hierarchy) {
    List<MethodExplanation> explained = new ArrayList<>();
    if (!AsyncFilter.mentionsAsync(classFile)) {
      return explained;
    }
    ClassReader reader = new ClassReader(classFile);
    ClassNode original = read(reader);
    for (MethodNode method : original.methods) {
      if ((methodName != null && !method.name.equals(methodName))
          || (AsyncMethods.awaitsOf(method).isEmpty()
              && AsyncMethods.awaitReferencesOf(method).isEmpty())) {
        continue;
      }
      explained.add(explainMethod(reader, original, method, hierarchy));
    }
    return explained;
  }

  private static MethodExplanation explainMethod(
      ClassReader reader, ClassNode original, MethodNode method, ClassHierarchy hierarchy) {
    String where = SourceLocation.of(original, method, null).toString();
    // The plan: compile a copy of the class, as the transformer would.
    String frame = original.name + "$" + method.name + "-Frame";
    AsyncMethodCompiler.Compiled compiled;
    try {
      AsyncMethods.checkRewritable(original, method, hierarchy);
      ClassNode copy = read(reader);
      compiled = AsyncMethodCompiler.compile(
          copy, find(copy, method), frame, /* trace = */ false, /* hoistLocals = */ false,
          /* neverPolled = */ false);
    } catch (RewriteRefusedException | RuntimeException e) {
      String reason = e instanceof RewriteRefusedException
          ? e.getMessage()
          : "tinyrt could not rewrite " + where + " because of an internal error (" + e + ")";
      return new MethodExplanation(
          where, method.name, null, 0, List.of(), List.of(), false, reason);
    }

    // The states, named the way the chapter names them.
    SourceNames names = new SourceNames(method);
    List<MethodInsnNode> awaits = AsyncMethods.awaitsOf(method);
    StoredStates stored = compiled.stored();
    List<MethodExplanation.State> states = new ArrayList<>();
    MethodExplanation.State entry = state(
        START, 0, names, method.instructions.getFirst(), null, original, stored.states().get(0));
    Set<String> used = new HashSet<>();
    used.add(START);
    used.add(DONE);
    String[] stateNames = new String[awaits.size() + 1];
    for (int k = 1; k <= awaits.size(); k++) {
      MethodInsnNode await = awaits.get(k - 1);
      String name;
      if (k == 1) {
        name = START;
      } else {
        String previous = names.awaited(awaits.get(k - 2)).identifier();
        name = unique(previous == null ? "Await" + k : "Got" + capitalize(previous), k, used);
      }
      MethodExplanation.State state =
          state(name, k, names, await, await, original, stored.states().get(k));
      if (k == 1 && new HashSet<>(state.names()).equals(new HashSet<>(entry.names()))) {
        // The chapter's Start: not polled yet, or parked at the first await, holding the same.
        state = new MethodExplanation.State(
            START, List.of(0, 1), state.parkedAt(), state.awaited(), state.values(),
            state.dropped());
      } else if (k == 1) {
        states.add(entry);
        String first = names.awaited(await).identifier();
        name = unique(first == null ? "Await1" : "Awaiting" + capitalize(first), k, used);
        state = new MethodExplanation.State(
            name, state.numbers(), state.parkedAt(), state.awaited(), state.values(),
            state.dropped());
      }
      stateNames[k] = state.name();
      states.add(state);
    }
    stateNames[0] = START;
    states.add(new MethodExplanation.State(DONE, List.of(), null, null, List.of(), List.of()));

    return new MethodExplanation(
        where,
        method.name,
        frame,
        FrameSize.instanceBytes(compiled.frameClass()),
        states,
        transitions(method, awaits, stateNames, names),
        stored.localsHoisted(),
        null);
  }

  /** One state from its plan: what is stored, the awaited future, and the locals dropped dead. */
  private static MethodExplanation.State state(
      String name,
      int number,
      SourceNames names,
      AbstractInsnNode at,
      MethodInsnNode await,
      ClassNode owner,
      List<StoredStates.Value> plan) {
    SourceNames.Awaited awaited = await == null ? null : names.awaited(await);
    MethodExplanation.Value awaitedValue = null;
    if (awaited != null) {
      String type = awaited.descriptor() != null
          ? SourceNames.typeText(awaited.descriptor())
          : await.desc.equals(RuntimeNames.AWAIT_STAGE_DESC) ? "CompletionStage" : "Future";
      int slot = -1;
      if (awaited.identifier() != null && awaited.text().equals(awaited.identifier())) {
        AbstractInsnNode load = names.producer(await);
        slot = load instanceof VarInsnNode var ? var.var : -1;
      }
      awaitedValue = new MethodExplanation.Value(
          awaited.text(), type, 4, /* holdsMemory = */ false, /* future = */ true, slot);
    }
    List<MethodExplanation.Value> values = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    int operand = 0;
    for (StoredStates.Value v : plan) {
      String local = v.slot() >= 0 ? names.localName(v.slot(), at) : "operand " + operand++;
      String descriptor = v.slot() >= 0
          ? names.localDescriptor(v.slot(), at, v.type())
          : SourceNames.descriptorOf(v.type());
      if (v.field() != null) {
        values.add(new MethodExplanation.Value(
            local,
            SourceNames.typeText(descriptor),
            fieldBytes(v.type()),
            holdsMemory(descriptor),
            isFuture(descriptor),
            v.slot()));
      } else if (v.type() != Opcodes.NULL
          && (awaited == null || !local.equals(awaited.identifier()))
          && (names.method().localVariables == null || names.variable(v.slot(), at) != null)) {
        // With debug information, a local out of its source scope is no variable the user sees.
        dropped.add(local);
      }
    }
    String parkedAt = await == null
        ? null
        : SourceLocation.of(owner, names.method(), await).fileAndLine();
    return new MethodExplanation.State(
        name, List.of(number), parkedAt, awaitedValue, values, dropped);
  }

  /**
   * The edges of the machine: from the start and from each await, the awaits (or the end) that the
   * control flow reaches next without passing another await.
   */
  private static List<MethodExplanation.Transition> transitions(
      MethodNode method, List<MethodInsnNode> awaits, String[] stateNames, SourceNames names) {
    ControlFlow flow = ControlFlow.of(method);
    List<MethodExplanation.Transition> edges = new ArrayList<>();
    for (int k = 0; k <= awaits.size(); k++) {
      int from = k == 0 ? 0 : method.instructions.indexOf(awaits.get(k - 1));
      String label = k == 0
          ? "first poll"
          : names.awaited(awaits.get(k - 1)).text() + " ready";
      for (int target : reachedNext(method, flow, from, k > 0)) {
        String to = target < 0 ? DONE : stateNames[target];
        if (k == 0 && to.equals(START)) {
          continue; // the start parked at its first await is the same variant
        }
        edges.add(new MethodExplanation.Transition(stateNames[k], to, label));
      }
    }
    return edges;
  }

  /**
   * The awaits (1-based; -1 for the end) reached first from instruction {@code from}.
   *
   * @param skipFrom whether {@code from} is an await to leave rather than to reach
   */
  private static Set<Integer> reachedNext(
      MethodNode method, ControlFlow flow, int from, boolean skipFrom) {
    // In code order, the end last.
    Set<Integer> reached =
        new TreeSet<>(Comparator.comparingInt(k -> k < 0 ? Integer.MAX_VALUE : k));
    BitSet seen = new BitSet();
    Deque<Integer> work = new ArrayDeque<>();
    work.add(from);
    // An await left is not marked seen, so a loop that comes back to it reaches it.
    seen.set(from, !skipFrom);
    boolean leaving = skipFrom;
    List<MethodInsnNode> awaits = AsyncMethods.awaitsOf(method);
    while (!work.isEmpty()) {
      int i = work.poll();
      AbstractInsnNode insn = method.instructions.get(i);
      if (AsyncMethods.isAwait(insn) && !leaving) {
        reached.add(awaits.indexOf(insn) + 1);
        continue;
      }
      leaving = false;
      if (insn.getOpcode() == Opcodes.ARETURN
          || (insn.getOpcode() == Opcodes.ATHROW && flow.handlers(i).length == 0)) {
        reached.add(-1);
      }
      for (int next : flow.successors(i)) {
        if (!seen.get(next)) {
          seen.set(next);
          work.add(next);
        }
      }
      for (int next : flow.handlers(i)) {
        if (!seen.get(next)) {
          seen.set(next);
          work.add(next);
        }
      }
    }
    return reached;
  }

  /** The bytes of the frame field a value of verifier type {@code type} is stored in. */
  private static int fieldBytes(Object type) {
    return type == Opcodes.LONG || type == Opcodes.DOUBLE ? 8 : 4;
  }

  /** Whether a value of {@code descriptor} may hold much memory: an array or a collection. */
  static boolean holdsMemory(String descriptor) {
    if (descriptor.startsWith("[")) {
      return true;
    }
    if (!descriptor.startsWith("L")) {
      return false;
    }
    String name = descriptor.substring(1, descriptor.length() - 1);
    return (name.startsWith("java/util/") && !name.startsWith("java/util/concurrent/locks/")
            && (name.endsWith("List") || name.endsWith("Map") || name.endsWith("Set")
                || name.endsWith("Queue") || name.endsWith("Deque")
                || name.endsWith("Collection") || name.equals("java/util/Vector")))
        || name.equals("java/nio/ByteBuffer")
        || name.equals("java/lang/StringBuilder")
        || name.equals("java/io/ByteArrayOutputStream");
  }

  /** Whether a value of {@code descriptor} is a future the method may await later. */
  private static boolean isFuture(String descriptor) {
    return descriptor.equals("L" + RuntimeNames.FUTURE + ";")
        || descriptor.equals("Ljava/util/concurrent/CompletionStage;")
        || descriptor.equals("Ljava/util/concurrent/CompletableFuture;");
  }

  private static String unique(String name, int k, Set<String> used) {
    String chosen = used.contains(name) ? name + k : name;
    used.add(chosen);
    return chosen;
  }

  private static String capitalize(String identifier) {
    return Character.toUpperCase(identifier.charAt(0)) + identifier.substring(1);
  }

  private static MethodNode find(ClassNode node, MethodNode like) {
    for (MethodNode m : node.methods) {
      if (m.name.equals(like.name) && m.desc.equals(like.desc)) {
        return m;
      }
    }
    throw new IllegalStateException(like.name + like.desc + " not found in its copy");
  }

  private static ClassNode read(ClassReader reader) {
    ClassNode node = new ClassNode();
    reader.accept(node, ClassReader.EXPAND_FRAMES);
    return node;
  }
}
