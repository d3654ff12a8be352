// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import dev.tinyrt.agent.RuntimeNames;
import dev.tinyrt.agent.filter.ClassHierarchy;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Finds the async methods of a class (declared to return {@code dev.tinyrt.Future}, calling {@code
 * Async.await}) and refuses, with a message the user can act on, the methods that call {@code
 * await} but cannot be made into state machines.
 *
 * <p>A method declared to return {@code CompletableFuture}, {@code CompletionStage} or a subclass
 * of {@code CompletableFuture} that calls {@code Async.await} is async too, in EA Async's way: it
 * starts at once and returns a future of its outcome (see {@link #stageReturnType}).
 */
public final class AsyncMethods {

  private AsyncMethods() {}

  /** @return whether {@code insn} is a call of either {@code Async.await} */
  public static boolean isAwait(AbstractInsnNode insn) {
    return insn instanceof MethodInsnNode call
        && call.getOpcode() == Opcodes.INVOKESTATIC
        && call.owner.equals(RuntimeNames.ASYNC)
        && call.name.equals(RuntimeNames.AWAIT)
        && (call.desc.equals(RuntimeNames.AWAIT_FUTURE_DESC)
            || call.desc.equals(RuntimeNames.AWAIT_STAGE_DESC));
  }

  /** @return the {@code await} calls of {@code method}, in code order */
  public static List<MethodInsnNode> awaitsOf(MethodNode method) {
    List<MethodInsnNode> awaits = new ArrayList<>();
    if (method.instructions == null) {
      return awaits;
    }
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (isAwait(insn)) {
        awaits.add((MethodInsnNode) insn);
      }
    }
    return awaits;
  }

  /**
   * @return the {@code invokedynamic}s of {@code method} that make {@code Async::await} a method
   *     reference (a lambda whose body is {@code await} itself), in code order
   */
  public static List<InvokeDynamicInsnNode> awaitReferencesOf(MethodNode method) {
    List<InvokeDynamicInsnNode> references = new ArrayList<>();
    if (method.instructions == null) {
      return references;
    }
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (insn instanceof InvokeDynamicInsnNode indy) {
        for (Object argument : indy.bsmArgs) {
          if (argument instanceof Handle handle
              && handle.getOwner().equals(RuntimeNames.ASYNC)
              && handle.getName().equals(RuntimeNames.AWAIT)) {
            references.add(indy);
            break;
          }
        }
      }
    }
    return references;
  }

  /** @return whether {@code method} is declared to return {@code dev.tinyrt.Future} */
  public static boolean returnsFuture(MethodNode method) {
    Type returned = Type.getReturnType(method.desc);
    return returned.getSort() == Type.OBJECT && returned.getInternalName().equals(RuntimeNames.FUTURE);
  }

  /**
   * Returns the declared return type of an EA-style async method: {@code CompletionStage}, {@code
   * CompletableFuture} or a subclass of it, the hierarchy read from class files.
   *
   * @param method a method
   * @param hierarchy where to read the return type's superclasses from
   * @return the return type's internal name, or null when it is none of these (or cannot be read)
   */
  public static String stageReturnType(MethodNode method, ClassHierarchy hierarchy) {
    Type returned = Type.getReturnType(method.desc);
    if (returned.getSort() != Type.OBJECT) {
      return null;
    }
    String name = returned.getInternalName();
    if (name.equals(ClassHierarchy.COMPLETION_STAGE)
        || hierarchy.isCompletableFuture(name) == ClassHierarchy.Answer.YES) {
      return name;
    }
    return null;
  }

  /**
   * Checks that {@code method}, which calls {@code await}, can become a state machine, reading
   * other classes through the system class loader.
   *
   * @param owner the declaring class
   * @param method a method with at least one await
   * @return the EA-style return type (see {@link #stageReturnType}), or null for a Future method
   * @throws RewriteRefusedException with the user-facing reason when it cannot
   */
  public static String checkRewritable(ClassNode owner, MethodNode method)
      throws RewriteRefusedException {
    return checkRewritable(owner, method, ClassHierarchy.of(/* loader = */ null));
  }

  /**
   * Checks that {@code method}, which calls {@code await}, can become a state machine.
   *
   * @param owner the declaring class
   * @param method a method with at least one await
   * @param hierarchy where to read other classes from (an EA-style method's return type)
   * @return the EA-style return type (see {@link #stageReturnType}), or null for a Future method
   * @throws RewriteRefusedException with the user-facing reason when it cannot
   */
  public static String checkRewritable(ClassNode owner, MethodNode method, ClassHierarchy hierarchy)
      throws RewriteRefusedException {
    return checkRewritable(owner, method, hierarchy, new ControlFlows());
  }

  /**
   * Checks that {@code method}, which calls {@code await}, can become a state machine, walking
   * the control-flow graph {@code flows} holds for it (built there if it is not yet).
   *
   * @param owner the declaring class
   * @param method a method with at least one await, not changed since it was read
   * @param hierarchy where to read other classes from (an EA-style method's return type)
   * @param flows the class's control-flow graphs, shared with the load-time diagnostics
   * @return the EA-style return type (see {@link #stageReturnType}), or null for a Future method
   * @throws RewriteRefusedException with the user-facing reason when it cannot
   */
  public static String checkRewritable(
      ClassNode owner, MethodNode method, ClassHierarchy hierarchy, ControlFlows flows)
      throws RewriteRefusedException {
    List<InvokeDynamicInsnNode> references = awaitReferencesOf(method);
    if (!references.isEmpty()) {
      throw new RewriteRefusedException(
          "tinyrt cannot rewrite " + SourceLocation.of(owner, method, references.get(0))
              + ": it passes Async::await as a method reference (to a stream's map, say), so "
              + "await would run inside a lambda that is not an async method, where it cannot "
              + "suspend. Await each future in the async method itself, in a for loop "
              + "('for (Future<T> f : futures) { results.add(await(f)); }'), or await them all "
              + "at once with 'await(Futures.joinAll(futures))'.");
    }
    List<MethodInsnNode> awaits = awaitsOf(method);
    SourceLocation first = SourceLocation.of(owner, method, awaits.get(0));
    if (method.name.equals("<init>")) {
      throw new RewriteRefusedException(
          "tinyrt cannot rewrite " + first + ": a constructor calls Async.await, and a "
              + "constructor cannot suspend (it returns no Future). Move the await out: await "
              + "the values in an async factory method ('static Future<T> create(...)' that "
              + "awaits them, then returns 'Future.ready(new T(values))') and pass them to the "
              + "constructor.");
    }
    String stage = returnsFuture(method) ? null : stageReturnType(method, hierarchy);
    boolean async = returnsFuture(method) || stage != null;
    if (!async && isLambdaBody(method)) {
      String returned = Type.getReturnType(method.desc).getClassName();
      throw new RewriteRefusedException(
          "tinyrt cannot rewrite " + first + ": a lambda calls Async.await but returns "
              + returned + ", not dev.tinyrt.Future (a lambda handed to forEach or a stream, "
              + "say), so it is not an async method and cannot suspend. Move the await out of "
              + "the lambda, into a for loop of the enclosing async method; or make the lambda "
              + "return a Future ('x -> Future.ready(await(f(x)))', a Function<T, Future<R>>) "
              + "and await what it returns.");
    }
    if (!async) {
      String returned = Type.getReturnType(method.desc).getClassName();
      throw new RewriteRefusedException(
          "tinyrt cannot rewrite " + first + ": it calls Async.await but returns " + returned
              + ", not dev.tinyrt.Future (nor CompletableFuture, a subclass of it, or "
              + "CompletionStage, which tinyrt runs as EA Async did)" + unreadable(method, hierarchy)
              + ", so it cannot suspend. Declare it to return Future<T> and "
              + "end it with 'return Future.ready(value)', or keep it as it is and drive the future "
              + "with Async.blockOn(...) instead of awaiting it.");
    }
    if ((method.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
      throw new RewriteRefusedException(
          "tinyrt cannot rewrite " + first + ": the method is synchronized, so its monitor would "
              + "be held across Async.await, and a suspended method may resume on another thread, "
              + "which cannot release it. " + MONITOR_ADVICE);
    }
    if (hasMonitorEnter(method)) {
      MonitorDepth depth = MonitorDepth.of(method, flows.of(method));
      for (MethodInsnNode await : awaits) {
        if (depth.before(method.instructions.indexOf(await)) > 0) {
          throw new RewriteRefusedException(
              "tinyrt cannot rewrite " + SourceLocation.of(owner, method, await)
                  + ": a monitor (synchronized block) is held across Async.await, and a suspended "
                  + "method may resume on another thread, which cannot release it. "
                  + MONITOR_ADVICE);
        }
      }
    }
    if (stage != null && !stage.equals(ClassHierarchy.COMPLETION_STAGE)
        && !stage.equals(ClassHierarchy.COMPLETABLE_FUTURE)) {
      checkConstructible(owner, first, stage, hierarchy);
    }
    return stage;
  }

  /**
   * Refuses an EA-style method whose return type, a subclass of {@code CompletableFuture}, has no
   * no-argument constructor the method can call: the rewritten method makes the future it returns
   * with it, as EA Async did.
   */
  private static void checkConstructible(
      ClassNode owner, SourceLocation first, String type, ClassHierarchy hierarchy)
      throws RewriteRefusedException {
    ClassHierarchy.Construction construction = hierarchy.noArgumentConstructor(type);
    String problem;
    String simple = type.substring(type.lastIndexOf('/') + 1);
    if (construction.unreadable() != null) {
      throw new RewriteRefusedException(
          "tinyrt cannot rewrite " + first + ": it returns " + type.replace('/', '.') + ", a "
              + "subclass of CompletableFuture, so the rewritten method must create the future it "
              + "returns with " + simple + "'s no-argument constructor, but tinyrt cannot tell "
              + "whether it has one: " + construction.unreadable() + ". Make " + simple
              + ".class readable there (when instrumenting, pass the folder or jar that holds it "
              + "with --classpath, or let tinyrt-maven-plugin see it on the project's class path; "
              + "check the file with 'javap -v'), or declare the method to return "
              + "CompletableFuture<T>.");
    } else if ((construction.classAccess() & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE)) != 0) {
      problem = "it is abstract";
    } else if (construction.constructorAccess() == -1) {
      problem = "it has no no-argument constructor";
    } else if ((construction.constructorAccess() & Opcodes.ACC_PUBLIC) == 0
        && ((construction.constructorAccess() & Opcodes.ACC_PRIVATE) != 0
            || !packageOf(type).equals(packageOf(owner.name)))) {
      problem = "its no-argument constructor is not accessible from " + owner.name.replace('/', '.');
    } else {
      return;
    }
    throw new RewriteRefusedException(
        "tinyrt cannot rewrite " + first + ": it returns " + type.replace('/', '.') + ", a "
            + "subclass of CompletableFuture, so the rewritten method must create the future it "
            + "returns with " + simple + "'s no-argument constructor, but " + problem + ". Give "
            + simple + " a public no-argument constructor, or declare the method to return "
            + "CompletableFuture<T>.");
  }

  /** The package part of an internal name, empty for the default package. */
  private static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash);
  }

  /**
   * A note for a return type whose hierarchy could not be read: it may be a subclass of {@code
   * CompletableFuture} after all.
   */
  private static String unreadable(MethodNode method, ClassHierarchy hierarchy) {
    Type returned = Type.getReturnType(method.desc);
    if (returned.getSort() == Type.OBJECT
        && hierarchy.isCompletableFuture(returned.getInternalName())
            == ClassHierarchy.Answer.UNKNOWN) {
      return "; tinyrt could not read the class file of " + returned.getClassName() + " or of "
          + "one of its superclasses from " + hierarchy.sources() + " to tell whether it extends "
          + "CompletableFuture (at build time, give the folder or jar that holds it with "
          + "--classpath; tinyrt-maven-plugin gives the project's class path)";
    }
    return "";
  }

  /** What to do instead of holding a monitor across an await. */
  private static final String MONITOR_ADVICE =
      "Release the monitor before the await, or use an async lock (dev.tinyrt.sync.Mutex), "
          + "whose guard may be held across awaits.";

  /** Whether {@code method} is the body javac makes of a lambda expression. */
  private static boolean isLambdaBody(MethodNode method) {
    return (method.access & Opcodes.ACC_SYNTHETIC) != 0 && method.name.startsWith("lambda$");
  }

  private static boolean hasMonitorEnter(MethodNode method) {
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (insn.getOpcode() == Opcodes.MONITORENTER) {
        return true;
      }
    }
    return false;
  }
}
