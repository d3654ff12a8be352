// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import dev.tinyrt.agent.RuntimeNames;
import dev.tinyrt.agent.analysis.AsyncMethods;
import dev.tinyrt.agent.analysis.ControlFlows;
import dev.tinyrt.agent.analysis.RewriteRefusedException;
import dev.tinyrt.agent.analysis.SourceLocation;
import dev.tinyrt.agent.codegen.AsyncMethodCompiler;
import dev.tinyrt.agent.codegen.FrameDefinitionInjector;
import dev.tinyrt.agent.codegen.RefusalWriter;
import dev.tinyrt.agent.codegen.StageEntry;
import dev.tinyrt.agent.filter.AsyncFilter;
import dev.tinyrt.agent.filter.ClassHierarchy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InnerClassNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.BasicVerifier;

/**
 * Rewrites one class file: the composition of the filter, the analysis and the code generator.
 * A pure function of the bytes, used by the agent's transformer, the tests and the command line.
 *
 * <p>Each method that calls {@code await} either becomes a state machine or, when it cannot, is
 * refused: its body then throws the reason. A method whose rewrite fails unexpectedly is refused
 * the same way, with the internal error in the message, and the rest of the class still rewritten.
 */
public final class ClassRewriter {

  /**
   * What the rewrite can add.
   *
   * @param trace emit trace events at each state transition
   * @param hoistLocals keep every async method's locals in frame fields for the whole body, not
   *     only those of methods where saving them at each await would take too much code
   * @param neverPolled emit each frame's calls of {@code NeverPolled.created/polling}, which
   *     report a future collected without ever being polled; only then can {@code
   *     -Dtinyrt.neverPolled=true} see the frame
   */
  public record Options(boolean trace, boolean hoistLocals, boolean neverPolled) {
    /**
     * No tracing; locals hoisted only where they must be, or everywhere when the system property
     * {@code tinyrt.rewrite.hoistLocals} is true (to run the tests and the fuzzer on that form);
     * the never-polled calls only when the system property {@code tinyrt.neverPolled} is true
     * where the rewrite runs (the application's JVM for the agent; the build's JVM for {@code
     * instrument} and the Maven plugin).
     */
    public static final Options DEFAULT = new Options(false, Boolean.getBoolean(HOIST_PROPERTY),
        Boolean.getBoolean(RuntimeNames.NEVER_POLLED_PROPERTY));

    /**
     * Options with locals hoisted and never-polled calls as {@link #DEFAULT} has them.
     *
     * @param trace emit trace events at each state transition
     */
    public Options(boolean trace) {
      this(trace, DEFAULT.hoistLocals());
    }

    /**
     * Options with never-polled calls as {@link #DEFAULT} has them.
     *
     * @param trace emit trace events at each state transition
     * @param hoistLocals keep every async method's locals in frame fields for the whole body
     */
    public Options(boolean trace, boolean hoistLocals) {
      this(trace, hoistLocals, DEFAULT.neverPolled());
    }
  }

  /** The system property that makes {@link Options#DEFAULT} hoist every method's locals. */
  public static final String HOIST_PROPERTY = "tinyrt.rewrite.hoistLocals";

  /**
   * What came out.
   *
   * @param hostBytes the rewritten class, or null when it is unchanged
   * @param frames the generated frame classes by internal name (already inside the host's
   *     initializer; separate for offline use and tests)
   * @param rewritten the async methods made into state machines, as source locations
   * @param refusals the user-facing reasons of the methods refused
   */
  public record Outcome(
      byte[] hostBytes, Map<String, byte[]> frames, List<String> rewritten, List<String> refusals) {
    static final Outcome UNCHANGED = new Outcome(null, Map.of(), List.of(), List.of());

    /** @return whether the class is left as it was */
    public boolean unchanged() {
      return hostBytes == null;
    }
  }

  /**
   * Looks at the class as it was read, once its methods are judged and before the rewrite changes
   * them: the agent's load-time diagnostics, which so read neither the class nor a method's control
   * flow a second time.
   */
  @FunctionalInterface
  public interface Inspection {
    /** Does nothing. */
    Inspection NONE = (original, flows) -> {};

    /**
     * Looks at the class.
     *
     * @param original the class as read, with frames expanded; not to be changed
     * @param flows the control-flow graphs already built for its methods, to share
     */
    void inspect(ClassNode original, ControlFlows flows);
  }

  /** Ends every frame class name: a character javac never emits in a name from source. */
  static final String FRAME_SUFFIX = "-Frame";

  /** The JVM's limit on the bytecode of one method (JVMS 4.7.3: {@code code_length < 65536}). */
  private static final int MAX_CODE_SIZE = 65_535;

  /** The oldest class file version rewritten: Java 8's, which always has stack map frames. */
  private static final int MIN_VERSION = Opcodes.V1_8;

  private ClassRewriter() {}

  /**
   * Rewrites {@code classFile}, reading the other classes it needs to know (an EA-style method's
   * {@code CompletableFuture} subclass) through the system class loader.
   *
   * @param classFile the class file
   * @param options the options
   * @return the outcome; {@link Outcome#unchanged()} for a class without await calls
   * @throws RuntimeException if the class file cannot be parsed (the caller leaves it unchanged)
   */
  public static Outcome rewrite(byte[] classFile, Options options) {
    return rewrite(classFile, options, ClassHierarchy.of(/* loader = */ null));
  }

  /**
   * Rewrites {@code classFile}, reading the classes it returns (an EA-style method's {@code
   * CompletableFuture} subclass) through {@code hierarchy}: the agent passes the defining loader's.
   *
   * @param classFile the class file
   * @param options the options
   * @param hierarchy where to read other classes' files from
   * @return the outcome; {@link Outcome#unchanged()} for a class without await calls
   * @throws RuntimeException if the class file cannot be parsed (the caller leaves it unchanged)
   */
  public static Outcome rewrite(byte[] classFile, Options options, ClassHierarchy hierarchy) {
    return rewrite(classFile, options, hierarchy, Inspection.NONE);
  }

  /**
   * Rewrites {@code classFile} as {@link #rewrite(byte[], Options, ClassHierarchy)} does, letting
   * {@code inspection} look at the class as it was read when it has methods that await (the
   * agent's load-time diagnostics).
   *
   * @param classFile the class file
   * @param options the options
   * @param hierarchy where to read other classes' files from
   * @param inspection what looks at the class before it is changed
   * @return the outcome; {@link Outcome#unchanged()} for a class without await calls
   * @throws RuntimeException if the class file cannot be parsed (the caller leaves it unchanged)
   */
  public static Outcome rewrite(
      byte[] classFile, Options options, ClassHierarchy hierarchy, Inspection inspection) {
    return rewrite(classFile, options, /* defineFramesInHost = */ true, hierarchy, inspection);
  }

  /**
   * Rewrites {@code classFile} for a class folder or jar ({@code instrument}): the host does not
   * define its frames; the caller writes {@link Outcome#frames()} beside it as class files. Other
   * classes (an EA-style method's {@code CompletableFuture} subclass) are read through {@code
   * hierarchy}: {@link ClassHierarchy#offline} over the folder or jar and the build's class path.
   *
   * @param classFile the class file
   * @param options the options
   * @param hierarchy where to read other classes' files from
   * @return the outcome; {@link Outcome#unchanged()} for a class without await calls
   * @throws RuntimeException if the class file cannot be parsed
   */
  public static Outcome rewriteOffline(byte[] classFile, Options options, ClassHierarchy hierarchy) {
    return rewrite(
        classFile, options, /* defineFramesInHost = */ false, hierarchy, Inspection.NONE);
  }

  private static Outcome rewrite(
      byte[] classFile,
      Options options,
      boolean defineFramesInHost,
      ClassHierarchy hierarchy,
      Inspection inspection) {
    if (!AsyncFilter.mentionsAsync(classFile)) {
      return Outcome.UNCHANGED;
    }
    ClassReader reader = new ClassReader(classFile);
    ClassNode probe = new ClassNode();
    reader.accept(probe, RewrittenMark.prototypes(), ClassReader.EXPAND_FRAMES);
    // A class rewritten offline (marked by instrument) is never rewritten again.
    if (RewrittenMark.isMarked(probe)) {
      return Outcome.UNCHANGED;
    }

    // Decide, method by method: refused with a reason, or async.
    Map<String, String> refused = new LinkedHashMap<>();
    List<String> async = new ArrayList<>();
    // The EA-style async methods' declared return types, by method key.
    Map<String, String> stageTypes = new LinkedHashMap<>();
    ControlFlows flows = new ControlFlows();
    for (MethodNode method : probe.methods) {
      if (AsyncMethods.awaitsOf(method).isEmpty()
          && AsyncMethods.awaitReferencesOf(method).isEmpty()) {
        continue;
      }
      try {
        if ((probe.version & 0xFFFF) < MIN_VERSION) {
          throw new RewriteRefusedException(
              "tinyrt cannot rewrite " + SourceLocation.of(probe, method, null) + ": its class "
                  + "was compiled for Java 7 or older (class file version "
                  + (probe.version & 0xFFFF) + "), which tinyrt does not rewrite. Recompile it "
                  + "with --release 8 or newer.");
        }
        String stageType = AsyncMethods.checkRewritable(probe, method, hierarchy, flows);
        async.add(key(method));
        if (stageType != null) {
          stageTypes.put(key(method), stageType);
        }
      } catch (RewriteRefusedException e) {
        refused.put(key(method), e.getMessage());
      } catch (RuntimeException e) {
        refused.put(key(method), internalError(probe, method, e));
      }
    }
    if (async.isEmpty() && refused.isEmpty()) {
      return Outcome.UNCHANGED;
    }
    inspection.inspect(probe, flows);

    // Build; a method that fails joins the refused ones and the class is built again (the first
    // build changes the class as read, which nothing reads after it; a later one reads it anew).
    for (ClassNode node = probe; ; node = read(reader)) {
      Map<String, byte[]> frames = new LinkedHashMap<>();
      List<String> rewritten = new ArrayList<>();
      String failedMethod = null;
      String failure = null;
      Set<String> usedNames = new HashSet<>();
      if (node.innerClasses != null) {
        for (InnerClassNode inner : node.innerClasses) {
          usedNames.add(inner.name);
        }
      }
      Map<String, String> bodies = new LinkedHashMap<>();
      for (MethodNode method : new ArrayList<>(node.methods)) {
        String key = key(method);
        if (refused.containsKey(key)) {
          RefusalWriter.refuse(method, refused.get(key));
        } else if (async.contains(key)) {
          String frame = frameName(node, method, usedNames);
          String stageType = stageTypes.get(key);
          try {
            if (stageType != null) {
              StageEntry.prepareReturns(method);
            }
            AsyncMethodCompiler.Compiled compiled =
                AsyncMethodCompiler.compile(
                    node, method, frame, options.trace(), options.hoistLocals(),
                    options.neverPolled());
            if (stageType != null) {
              StageEntry.startEagerly(method, stageType);
            }
            frames.put(frame, compiled.frameClass());
            bodies.put(method.name + compiled.bodyDesc(), key);
            rewritten.add(SourceLocation.of(node, method, null).toString());
          } catch (RewriteRefusedException e) {
            failedMethod = key;
            failure = e.getMessage();
            break;
          } catch (RuntimeException e) {
            failedMethod = key;
            failure = internalError(node, method, e);
            break;
          }
        }
      }
      if (failedMethod == null) {
        if (defineFramesInHost && !frames.isEmpty()) {
          FrameDefinitionInjector.inject(node, new ArrayList<>(frames.values()));
        }
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        node.accept(writer);
        byte[] bytes;
        try {
          bytes = writer.toByteArray();
        } catch (MethodTooLargeException e) {
          // A state machine past the JVM's 64 KB limit: refuse that method alone, build again.
          failedMethod = bodies.get(e.getMethodName() + e.getDescriptor());
          if (failedMethod == null) {
            throw e; // not one of ours: the class was too large before, or its initializer is
          }
          refused.put(failedMethod, tooLarge(reader, failedMethod, e.getCodeSize()));
          async.remove(failedMethod);
          continue;
        }
        // Check the rewritten bodies with a verifier that loads no class: a bug of ours becomes a
        // refusal of one method, never a VerifyError for the user.
        failedMethod = checkBodies(bytes, bodies, refused);
        if (failedMethod == null) {
          return new Outcome(bytes, frames, rewritten, new ArrayList<>(refused.values()));
        }
        failure = refused.remove(failedMethod);
      }
      refused.put(failedMethod, failure);
      async.remove(failedMethod);
    }
  }

  /**
   * Runs ASM's {@link BasicVerifier} over each state-machine body of {@code bytes}.
   *
   * @param bodies the key of each rewritten method, by the key (name and descriptor) of its body
   * @return the key of a method whose body fails, with its message put in {@code refused}; or null
   */
  private static String checkBodies(
      byte[] bytes, Map<String, String> bodies, Map<String, String> refused) {
    ClassNode written = new ClassNode();
    new ClassReader(bytes).accept(written, ClassReader.SKIP_FRAMES);
    for (MethodNode method : written.methods) {
      String original = bodies.get(key(method));
      if (original == null) {
        continue;
      }
      try {
        new Analyzer<BasicValue>(new BasicVerifier()).analyze(written.name, method);
      } catch (AnalyzerException e) {
        refused.put(original, internalError(written, method, e));
        return original;
      }
    }
    return null;
  }

  /**
   * The refusal of a method whose state machine exceeds the JVM's code size limit, with its size
   * before and after, and what to do.
   */
  private static String tooLarge(ClassReader reader, String key, int rewrittenSize) {
    ClassNode original = read(reader);
    MethodNode method = null;
    for (MethodNode m : original.methods) {
      if (key(m).equals(key)) {
        method = m;
      }
    }
    int awaits = AsyncMethods.awaitsOf(method).size();
    return "tinyrt cannot rewrite " + SourceLocation.of(original, method, null) + ": its state "
        + "machine would take " + rewrittenSize + " bytes of bytecode (from " + codeSize(original, method)
        + " bytes), past the JVM's limit of " + MAX_CODE_SIZE + " bytes per method: each of its "
        + awaits + " awaits adds code to poll, park and resume, and to save and restore the "
        + "operands waiting on the stack under it (as in 'acc += await(f)' or a long string "
        + "concatenation). Split it into smaller async methods that each await part of the work, or keep fewer "
        + "values alive across awaits (collect them in an array or an object); the method throws "
        + "this instead of running, and the rest of its class is rewritten.";
  }

  /** The size in bytes of {@code method}'s code, as the class writer lays it out. */
  private static int codeSize(ClassNode owner, MethodNode method) {
    LabelNode end = new LabelNode();
    method.instructions.add(end);
    owner.accept(new ClassWriter(0));
    return end.getLabel().getOffset();
  }

  private static String internalError(ClassNode node, MethodNode method, Exception e) {
    return "tinyrt could not rewrite " + SourceLocation.of(node, method, null)
        + " because of an internal error (" + e + "); the method throws this instead of running. "
        + "Please report it with the class file; meanwhile, move the awaits into a simpler method.";
  }

  private static ClassNode read(ClassReader reader) {
    ClassNode node = new ClassNode();
    reader.accept(node, ClassReader.EXPAND_FRAMES);
    return node;
  }

  private static String key(MethodNode method) {
    return method.name + method.desc;
  }

  /**
   * {@code Host$method-Frame}, numbered when an overload took it. No source can name it: a
   * {@code -} is not a Java identifier character, and javac puts one only in {@code package-info}
   * and {@code module-info}; so a user's own class {@code Host$method$Frame} is never replaced.
   */
  private static String frameName(ClassNode host, MethodNode method, Set<String> used) {
    String base = host.name + "$" + method.name + FRAME_SUFFIX;
    String name = base;
    for (int i = 2; !used.add(name); i++) {
      name = base + i;
    }
    return name;
  }
}
