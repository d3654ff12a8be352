// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import static org.objectweb.asm.Opcodes.ACONST_NULL;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ARETURN;
import static org.objectweb.asm.Opcodes.ATHROW;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.DUP_X2;
import static org.objectweb.asm.Opcodes.F_NEW;
import static org.objectweb.asm.Opcodes.GETFIELD;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.IFEQ;
import static org.objectweb.asm.Opcodes.IFNE;
import static org.objectweb.asm.Opcodes.IF_ICMPNE;
import static org.objectweb.asm.Opcodes.INVOKEINTERFACE;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.NOP;
import static org.objectweb.asm.Opcodes.POP;
import static org.objectweb.asm.Opcodes.POP2;
import static org.objectweb.asm.Opcodes.PUTFIELD;
import static org.objectweb.asm.Opcodes.SWAP;

import dev.tinyrt.agent.RuntimeNames;
import dev.tinyrt.agent.analysis.AwaitSite;
import dev.tinyrt.agent.analysis.StackMapTypes;
import dev.tinyrt.agent.analysis.MethodAnalysis;
import dev.tinyrt.agent.analysis.SourceLocation;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.Method;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Turns one async method into a state machine, in place in its class:
 *
 * <ul>
 *   <li>the method itself becomes a stub that allocates the frame, stores the parameters the body
 *       reads, and returns the frame: calling it runs none of the body;
 *   <li>the body moves into a synthetic static method of the same name in the same class, taking
 *       {@code (Frame, Context)} and returning {@code Poll}, so stack traces and debuggers still
 *       show the user's class, method and lines. Its entry is a {@code tableswitch} on the
 *       frame's state;
 *   <li>each await polls the future inline. Ready: the value goes on, nothing is stored. Pending:
 *       the live locals and the operand stack go into the frame's typed fields, the state is set
 *       and pending is returned (awaits whose operands stack on the ones before them share that
 *       code: {@link OperandChains}). On the next poll they are restored and the future polled again,
 *       unless the task was cancelled: then {@code CancelledException} is thrown at the await,
 *       where the user's {@code catch} and {@code finally} see it.
 * </ul>
 *
 * <p>The body keeps every original instruction and stack map frame, its locals moved up by two
 * slots (the frame and the context take slots 0 and 1); the frames of the new jump targets are
 * written from the analysis, so no class is ever loaded to compute them.
 */
final class StateMachineRewriter {

  /** Local slot of the frame in the body method. */
  private static final int FRAME_SLOT = 0;

  /** Local slot of the context in the body method. */
  private static final int CONTEXT_SLOT = 1;

  /** {@code <init>()}: the frame's constructor. */
  private static final Method NO_ARGUMENT_CONSTRUCTOR = new Method("<init>", "()V");

  /** How far the original locals move up in the body method. */
  private static final int SHIFT = 2;

  /** The frame's first reference field: where a state that keeps no other reference parks its future. */
  private static final String FIRST_REFERENCE = ValueKind.REFERENCE.prefix + 0;

  /**
   * One value a state keeps or re-creates on resume.
   *
   * @param type its verifier type
   * @param kind its field kind
   * @param field the frame field holding it, or null when it is not stored (dead, or null)
   * @param slot its original local slot, or -1 for an operand stack entry
   */
  private record Saved(Object type, ValueKind kind, String field, int slot) {}

  /**
   * What one state stores: the locals in its stack map frame, in slot order, the operand stack
   * under the awaited future, bottom first, and the reference field that holds the awaited future
   * while parked: the first one the state's own values leave free (null for state 0, which awaits
   * nothing).
   */
  private record StatePlan(List<Saved> locals, List<Saved> stack, String awaited) {}

  /** The result: the frame's field layout, and what each state stores (for {@code explain}). */
  record Result(FrameLayout layout, StoredStates stored) {}

  private final ClassNode host;
  private final MethodNode method;
  private final MethodAnalysis analysis;
  private final String frame;
  private final String bodyDesc;
  private final boolean trace;

  /** Whether to hoist the locals even where saving them at each await would be small enough. */
  private final boolean hoistAlways;
  private final boolean hostIsInterface;
  private final FrameLayout layout = new FrameLayout();

  /** The method's location (its first line), for messages. */
  private final SourceLocation where;

  /**
   * The locals kept in frame fields for the whole body, when saving and restoring them at each
   * await would take too much code; null when each suspension saves them.
   */
  private HoistedLocals hoisted;

  /** The trace lines, made from the original code; null without the trace option. */
  private TraceMessages messages;

  /** The await sites, in code order: await k (from 0) parks in state k + 1. */
  private final List<AwaitSite> awaits;

  /** The state of a frame awaiting the future its method returned. */
  private final int tailState;

  /** The field holding that future: it is all the tail state keeps, so the first reference field. */
  private String tailAwaited;

  /** What state 0 stores: the parameters the body reads. */
  private StatePlan entry;

  /** What each await's state stores. */
  private List<StatePlan> plans;

  /** Which awaits share the operands under their future, and so their suspend and resume code. */
  private OperandChains chains;

  /** The trace line of each await's suspension; empty without tracing. */
  private final List<String> parkedMessages = new ArrayList<>();

  /** The trace line of each await's resumption; empty without tracing. */
  private final List<String> resumedMessages = new ArrayList<>();

  /** The synthetic method the body moves into. */
  private MethodNode body;

  /** Its code: the original instructions, being rewritten. */
  private InsnList code;

  /** Where the original code starts (state 0), and the catch-all's range with it. */
  private final LabelNode start = new LabelNode();

  /** The tail state's block. */
  private final LabelNode tailLabel = new LabelNode();

  /** Where the code the catch-all covers ends. */
  private final LabelNode codeEnd = new LabelNode();

  /** The block for a state that is not one of ours: the frame already finished. */
  private final LabelNode invalid = new LabelNode();

  /** The catch-all handler. */
  private final LabelNode handler = new LabelNode();

  /** The parking block shared by hoisted suspensions with nothing to save. */
  private final LabelNode parkLabel = new LabelNode();

  /** Whether a suspension jumps to {@link #parkLabel}. */
  private boolean parkUsed;

  /** Each await's resume block. */
  private final LabelNode[] resumeLabels;

  /** Each await's suspend block. */
  private final LabelNode[] suspendLabels;

  /**
   * Where the suspension of an await that a later one extends stores the operands it adds: the
   * later await's suspension jumps there once it has stored its own ({@link OperandChains}).
   */
  private final LabelNode[] storeOperandsLabels;

  /** Each await's inline poll, where its resume block goes back to. */
  private final LabelNode[] pollLabels;

  private StateMachineRewriter(
      ClassNode host,
      MethodNode method,
      MethodAnalysis analysis,
      String frame,
      String bodyDesc,
      boolean trace,
      boolean hoistAlways) {
    this.host = host;
    this.hoistAlways = hoistAlways;
    this.method = method;
    this.analysis = analysis;
    this.frame = frame;
    this.bodyDesc = bodyDesc;
    this.trace = trace;
    this.hostIsInterface = (host.access & Opcodes.ACC_INTERFACE) != 0;
    this.where = SourceLocation.of(host, method, null);
    this.awaits = analysis.awaits();
    this.tailState = awaits.size() + 1;
    this.resumeLabels = new LabelNode[awaits.size()];
    this.suspendLabels = new LabelNode[awaits.size()];
    this.storeOperandsLabels = new LabelNode[awaits.size()];
    this.pollLabels = new LabelNode[awaits.size()];
  }

  /**
   * Returns the descriptor of a body method. It names the frame as a {@code Future}, never as its
   * own class: reflection on the host ({@code getDeclaredMethods}) resolves parameter types, and
   * may run before the host's initializer has defined the frame class. {@code extraInts} unused
   * {@code int} parameters keep the bodies of overloaded async methods apart.
   */
  static String bodyDescriptor(int extraInts) {
    return "(L" + RuntimeNames.FUTURE + ";L" + RuntimeNames.CONTEXT + ";" + "I".repeat(extraInts)
        + ")L" + RuntimeNames.POLL + ";";
  }

  /**
   * Rewrites {@code method} of {@code host}: adds the body method to {@code host.methods} and
   * turns {@code method} into the stub.
   *
   * @param host the class, changed in place
   * @param method the async method, already analysed
   * @param analysis its analysis
   * @param frame the internal name of its frame class
   * @param bodyDesc the descriptor of the body method ({@link #bodyDescriptor})
   * @param trace whether to emit trace events
   * @param hoistAlways whether to hoist the locals even where it does not pay
   * @return the frame layout to generate the frame class from
   */
  static Result rewrite(
      ClassNode host,
      MethodNode method,
      MethodAnalysis analysis,
      String frame,
      String bodyDesc,
      boolean trace,
      boolean hoistAlways) {
    return new StateMachineRewriter(host, method, analysis, frame, bodyDesc, trace, hoistAlways)
        .run();
  }

  /**
   * The rewrite, as a list of steps: plan the states, move the body, replace the awaits and
   * returns, then write the prologue before the original code and, after it, the tail, a resume
   * and a suspend block per await, the shared parking, the invalid state and the catch-all.
   */
  private Result run() {
    planStates();
    makeTraceMessages();
    moveBody();
    replaceAwaitsAndReturns();
    code.insert(prologue());

    InsnList epilogue = new InsnList();
    epilogue.add(tail());
    epilogue.add(codeEnd);
    for (int k = 0; k < awaits.size(); k++) {
      epilogue.add(resume(k));
    }
    for (int k = 0; k < awaits.size(); k++) {
      epilogue.add(suspend(k));
    }
    if (parkUsed) {
      epilogue.add(park());
    }
    epilogue.add(invalidState());
    epilogue.add(catchAll());
    code.add(epilogue);
    body.tryCatchBlocks.add(new TryCatchBlockNode(start, codeEnd, handler, /* type = */ null));

    host.methods.add(body);
    makeStub(entry);
    return new Result(layout, storedStates());
  }

  // The steps.

  /** Chooses how locals survive awaits, then plans each state's fields. */
  private void planStates() {
    // Saved at each suspension, or hoisted into fields for the whole body.
    hoisted = hoistAlways || HoistedLocals.pay(awaits)
        ? HoistedLocals.prepare(host.name, method)
        : null;

    // State 0 holds the parameters, state k what await k keeps: the operands of a chain first, so
    // the operands an await shares with the one before it get the same fields.
    chains = trace ? OperandChains.none(awaits.size()) : OperandChains.of(awaits);
    entry = plan(analysis.entryLocals(), analysis.entryLive(), List.of(), true, false);
    plans = new ArrayList<>(awaits.size());
    for (int k = 0; k < awaits.size(); k++) {
      AwaitSite site = awaits.get(k);
      plans.add(plan(site.locals(), site.live(), OperandChains.under(site), false, chains.chained(k)));
    }
    layout.beginState();
    tailAwaited = layout.allocate(ValueKind.REFERENCE);
  }

  /** Makes the trace lines; they need the original code (local variable names), so first. */
  private void makeTraceMessages() {
    if (!trace) {
      return;
    }
    messages = new TraceMessages(host, method, where);
    for (int k = 0; k < awaits.size(); k++) {
      AwaitSite site = awaits.get(k);
      parkedMessages.add(messages.parked(k + 1, site, storedNames(messages, site, plans.get(k))));
      resumedMessages.add(messages.resumed(k + 1, site));
    }
  }

  /** Moves the body into the synthetic method, locals shifted up by two (or hoisted). */
  private void moveBody() {
    body = new MethodNode(
        Opcodes.ASM9,
        Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC
            | (hostIsInterface ? Opcodes.ACC_PUBLIC : 0)
            | (method.access & Opcodes.ACC_STRICT),
        method.name,
        bodyDesc,
        /* signature = */ null,
        /* exceptions = */ null);
    body.instructions = method.instructions;
    body.tryCatchBlocks = method.tryCatchBlocks;
    body.localVariables = method.localVariables;
    shiftLocals(body);
    if (hoisted != null) {
      hoisted.apply(body, frame, FRAME_SLOT, SHIFT, prefix(), layout);
    }
    code = body.instructions;
  }

  /**
   * Each await: poll inline; only a pending poll jumps to the suspend block. Each return: finish
   * at once for 'return Future.ready(v)', else await the returned future in the tail state.
   */
  private void replaceAwaitsAndReturns() {
    for (int k = 0; k < awaits.size(); k++) {
      // The awaits of a chain share one resume block: the state switch sends them all there.
      resumeLabels[k] = chains.parent(k) < 0 ? new LabelNode() : resumeLabels[k - 1];
      suspendLabels[k] = new LabelNode();
      storeOperandsLabels[k] = new LabelNode();
      pollLabels[k] = replaceAwait(code, awaits.get(k), suspendLabels[k]);
    }
    for (MethodAnalysis.ReturnSite ret : analysis.returns()) {
      replaceReturn(code, ret, tailLabel, tailState);
    }
  }

  /** Prologue: dispatch on the state, then restore the parameters for the first poll. */
  private InsnList prologue() {
    InsnList prologue = new InsnList();
    // code: Frame frame = (Frame) future;
    prologue.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    prologue.add(new TypeInsnNode(CHECKCAST, frame));
    prologue.add(new InsnNode(DUP));
    prologue.add(new VarInsnNode(Opcodes.ASTORE, FRAME_SLOT)); // stack: frame
    // code: switch (frame.state) { case 0: start; case k: resume k; case tail: tail; default: invalid }
    prologue.add(new FieldInsnNode(GETFIELD, frame, FrameLayout.STATE, "I"));
    LabelNode[] targets = new LabelNode[tailState + 1];
    targets[0] = start;
    System.arraycopy(resumeLabels, 0, targets, 1, awaits.size());
    targets[tailState] = tailLabel;
    prologue.add(new TableSwitchInsnNode(0, tailState, invalid, targets));
    prologue.add(start);
    prologue.add(emptyStackMap());
    int before = prologue.size();
    if (trace) {
      prologue.add(traceEvent(messages.start()));
    }
    if (hoisted == null) {
      restore(prologue, entry);
    }
    if (prologue.size() == before) {
      prologue.add(new InsnNode(NOP)); // keeps the next original stack map off this offset
    }
    return prologue;
  }

  /** Tail: the future the method returned, awaited like any other. */
  private InsnList tail() {
    InsnList out = new InsnList();
    out.add(tailLabel);
    out.add(emptyStackMap());
    // code: Poll p = Cancellation.checkBeforePoll(frame.L0, cx).poll(cx); if (p.isPending()) return p;
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(getReference(tailAwaited)); // stack: future (an Object to the verifier: see getReference)
    out.add(checkCancellation()); // stack: future
    out.add(new VarInsnNode(ALOAD, CONTEXT_SLOT));
    out.add(pollCall()); // stack: poll
    out.add(new InsnNode(DUP));
    out.add(isPendingCall()); // stack: poll pending
    LabelNode tailReady = new LabelNode();
    out.add(new JumpInsnNode(IFEQ, tailReady)); // stack: poll
    out.add(new InsnNode(ARETURN));
    out.add(tailReady);
    out.add(stackMap(prefix(), List.of(RuntimeNames.POLL)));
    // code: frame.state = DONE; frame.L0 = null; return p;
    out.add(setState(FrameLayout.DONE));
    out.add(clearReference(tailAwaited));
    if (trace) {
      out.add(traceEvent(messages.done()));
    }
    out.add(new InsnNode(ARETURN));
    return out;
  }

  /**
   * Resume k: restore what state k stored, then poll its future again. The awaits of a chain
   * share one resume block, emitted with the chain's first await.
   */
  private InsnList resume(int k) {
    if (chains.chained(k)) {
      return chains.parent(k) < 0 ? resumeChain(k) : new InsnList();
    }
    InsnList out = new InsnList();
    out.add(resumeLabels[k]);
    out.add(emptyStackMap());
    restore(out, plans.get(k));
    repoll(out, k);
    return out;
  }

  /**
   * Resume of the chain that starts at await {@code first}: push each await's added operands in
   * turn, and stop at the await whose state the frame is in (see {@link OperandChains}).
   */
  private InsnList resumeChain(int first) {
    InsnList out = new InsnList();
    out.add(resumeLabels[first]);
    out.add(emptyStackMap());
    for (int k = first; ; k++) {
      // code: push the operands await k adds (stack: e0 .. e(m-1) of await k)
      restoreStack(out, addedOperands(k));
      if (!chains.extended(k)) {
        restoreLocals(out, plans.get(k));
        repoll(out, k); // the chain's last await: no test
        return out;
      }
      // code: if (frame.state == k + 1) { restore the locals; repoll k; }
      LabelNode next = new LabelNode();
      out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
      out.add(new FieldInsnNode(GETFIELD, frame, FrameLayout.STATE, "I"));
      out.add(Emitter.push(k + 1));
      out.add(new JumpInsnNode(IF_ICMPNE, next));
      restoreLocals(out, plans.get(k));
      repoll(out, k);
      out.add(next);
      out.add(stackMap(prefix(), operandsStackMap(k)));
    }
  }

  /** code: push frame.Ln; frame.Ln = null; goto poll k;   (Ln: the awaited future's field in state k) */
  private void repoll(InsnList out, int k) {
    String awaited = plans.get(k).awaited();
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(getReference(awaited)); // stack: ... future
    out.add(clearReference(awaited));
    if (trace) {
      out.add(traceEvent(resumedMessages.get(k)));
    }
    out.add(new JumpInsnNode(GOTO, pollLabels[k]));
  }

  /** The operands await {@code k} keeps that the await it extends does not: all, if none. */
  private List<Saved> addedOperands(int k) {
    List<Saved> stack = plans.get(k).stack();
    int parent = chains.parent(k);
    return parent < 0 ? stack : stack.subList(plans.get(parent).stack().size(), stack.size());
  }

  /** The operand stack under await {@code k}'s future, as a stack map frame lists it. */
  private List<Object> operandsStackMap(int k) {
    return StackMapTypes.toStackMapEncoding(OperandChains.under(awaits.get(k)));
  }

  /** Suspend k: store what state k needs, set the state, return pending. */
  private InsnList suspend(int k) {
    InsnList out = new InsnList();
    AwaitSite site = awaits.get(k);
    out.add(suspendLabels[k]);
    List<Object> stack = new ArrayList<>(awaitStack(site));
    stack.add(RuntimeNames.POLL);
    out.add(stackMap(awaitLocals(site), stack));
    out.add(new InsnNode(POP)); // stack: ... future
    if (hoisted != null && plans.get(k).stack().isEmpty()) {
      // Nothing to save (a hoisted state keeps no local), so the future goes in the first
      // reference field, as in every state that shares the parking code.
      // stack: future -> future state
      out.add(Emitter.push(k + 1));
      if (trace) {
        out.add(traceEvent(parkedMessages.get(k)));
      }
      out.add(new JumpInsnNode(GOTO, parkLabel));
      parkUsed = true;
      return out;
    }
    // code: frame.Ln = future;   (Ln: the first reference field the state's values leave free)
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(new InsnNode(SWAP));
    out.add(putReference(plans.get(k).awaited()));
    if (chains.chained(k)) {
      suspendInChain(out, k);
      return out;
    }
    save(out, plans.get(k));
    out.add(setState(k + 1));
    if (trace) {
      out.add(traceEvent(parkedMessages.get(k)));
    }
    out.add(returnPending());
    return out;
  }

  /**
   * The rest of suspend k for an await of a chain: store the locals and set the state, then store
   * the operands k adds and let the suspension of the await it extends store the rest.
   */
  private void suspendInChain(InsnList out, int k) {
    saveLocals(out, plans.get(k)); // stack: e0 .. e(m-1), untouched
    out.add(setState(k + 1));
    if (trace) {
      out.add(traceEvent(parkedMessages.get(k)));
    }
    if (chains.extended(k)) {
      // The next await's suspension comes here once it has stored the operands it adds.
      out.add(storeOperandsLabels[k]);
      out.add(stackMap(prefix(), operandsStackMap(k)));
    }
    saveStack(out, addedOperands(k));
    if (chains.parent(k) >= 0) {
      out.add(new JumpInsnNode(GOTO, storeOperandsLabels[chains.parent(k)]));
    } else {
      out.add(returnPending());
    }
  }

  /** code: return Poll.pending(); */
  private static InsnList returnPending() {
    InsnList out = new InsnList();
    out.add(new MethodInsnNode(
        INVOKESTATIC, RuntimeNames.POLL, "pending", RuntimeNames.POLL_PENDING_DESC, false));
    out.add(new InsnNode(ARETURN));
    return out;
  }

  /** Parking shared by the suspensions of hoisted locals with nothing to save. */
  private InsnList park() {
    InsnList out = new InsnList();
    out.add(parkLabel);
    out.add(stackMap(prefix(), List.of(RuntimeNames.FUTURE, Opcodes.INTEGER)));
    // code: frame.state = state; frame.L0 = future; return Poll.pending();
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(new InsnNode(SWAP));
    out.add(new FieldInsnNode(PUTFIELD, frame, FrameLayout.STATE, "I")); // stack: future
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(new InsnNode(SWAP));
    out.add(putReference(FIRST_REFERENCE));
    out.add(new MethodInsnNode(
        INVOKESTATIC, RuntimeNames.POLL, "pending", RuntimeNames.POLL_PENDING_DESC, false));
    out.add(new InsnNode(ARETURN));
    return out;
  }

  /** Invalid state: the frame already finished. */
  private InsnList invalidState() {
    InsnList out = new InsnList();
    out.add(invalid);
    out.add(emptyStackMap());
    out.add(Emitter.throwIllegalState(
        "polled " + where + " after it already completed: an async method's frame returns its "
            + "result once; keep the result instead of polling again"));
    return out;
  }

  /** Catch-all: whatever the body throws finishes the frame, then goes on unchanged. */
  private InsnList catchAll() {
    InsnList out = new InsnList();
    out.add(handler);
    out.add(stackMap(prefix(), List.of("java/lang/Throwable")));
    out.add(setState(FrameLayout.DONE));
    out.add(new InsnNode(ATHROW));
    return out;
  }

  // Planning.

  /**
   * Plans one state: a field for each live local and each operand under the awaited future. With
   * hoisted locals, the entry stores the parameters in their own fields and an await no local.
   * {@code operandsFirst} lays out the operands before the locals, for an await of a chain: equal
   * operands then get equal fields along the chain ({@link OperandChains}).
   */
  private StatePlan plan(
      List<Object> locals,
      BitSet live,
      List<Object> stackUnderFuture,
      boolean entry,
      boolean operandsFirst) {
    layout.beginState();
    List<Saved> savedStack = operandsFirst ? planOperands(stackUnderFuture) : null;
    List<Saved> savedLocals = new ArrayList<>();
    for (int slot = 0; slot < locals.size() && (hoisted == null || entry); slot++) {
      Object type = locals.get(slot);
      ValueKind kind = ValueKind.of(type);
      if (kind == null) {
        continue; // TOP: nothing there
      }
      boolean keep = live.get(slot) && type != Opcodes.NULL;
      String field = null;
      if (keep && hoisted != null) {
        field = HoistedLocals.field(kind, slot);
        layout.hoist(field, kind);
      } else if (keep) {
        field = layout.allocate(kind);
      }
      savedLocals.add(new Saved(type, kind, field, slot));
      if (kind.isTwoSlot()) {
        slot++;
      }
    }
    if (savedStack == null) {
      savedStack = planOperands(stackUnderFuture);
    }
    String awaited = entry ? null : layout.allocate(ValueKind.REFERENCE);
    return new StatePlan(savedLocals, savedStack, awaited);
  }

  /** Plans the operands under an awaited future, bottom first: a field for each but a null. */
  private List<Saved> planOperands(List<Object> stackUnderFuture) {
    List<Saved> savedStack = new ArrayList<>();
    for (int i = 0; i < stackUnderFuture.size(); i++) {
      Object type = stackUnderFuture.get(i);
      ValueKind kind = ValueKind.of(type);
      if (kind == null) {
        continue; // the second half of a long or double
      }
      String field = type == Opcodes.NULL ? null : layout.allocate(kind);
      savedStack.add(new Saved(type, kind, field, -1));
    }
    return savedStack;
  }

  private List<String> storedNames(TraceMessages messages, AwaitSite site, StatePlan plan) {
    List<String> names = new ArrayList<>();
    for (Saved s : plan.locals()) {
      if (s.field() != null) {
        names.add(messages.localName(s.slot(), site.insn()) + ": " + typeText(s));
      }
    }
    for (Saved s : plan.stack()) {
      if (s.field() != null) {
        names.add("(operand): " + typeText(s));
      }
    }
    names.add(messages.awaitedExpression(site.insn()) + ": {" + plan.awaited() + "}");
    return names;
  }

  private static String typeText(Saved s) {
    return s.kind() == ValueKind.REFERENCE ? "{" + s.field() + "}" : s.kind().javaName;
  }

  /** The plans as {@link StoredStates}: state 0, then each await's. */
  private StoredStates storedStates() {
    List<StatePlan> all = new ArrayList<>();
    all.add(entry);
    all.addAll(plans);
    List<List<StoredStates.Value>> states = new ArrayList<>();
    for (StatePlan plan : all) {
      List<StoredStates.Value> values = new ArrayList<>();
      for (Saved s : plan.locals()) {
        values.add(new StoredStates.Value(s.slot(), s.type(), s.field()));
      }
      for (Saved s : plan.stack()) {
        values.add(new StoredStates.Value(s.slot(), s.type(), s.field()));
      }
      states.add(List.copyOf(values));
    }
    return new StoredStates(List.copyOf(states), hoisted != null);
  }

  // Saving and restoring.

  /** Emits the save of a state: the operand stack (top first, the future already taken), then the live locals. */
  private void save(InsnList out, StatePlan plan) {
    saveStack(out, plan.stack());
    saveLocals(out, plan);
  }

  /** Emits the save of {@code stack}, the top of the operand stack, top first. */
  private void saveStack(InsnList out, List<Saved> stack) {
    for (int i = stack.size() - 1; i >= 0; i--) {
      Saved s = stack.get(i);
      if (s.field() == null) {
        out.add(new InsnNode(POP)); // a null: nothing to keep
      } else if (s.kind().isTwoSlot()) {
        // stack: ... value(2) -> ... frame value(2)
        out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
        out.add(new InsnNode(DUP_X2));
        out.add(new InsnNode(POP));
        out.add(putField(s));
      } else {
        // stack: ... value -> ... frame value
        out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
        out.add(new InsnNode(SWAP));
        out.add(putField(s));
      }
    }
  }

  /** Emits the save of a state's live locals; the operand stack stays as it is. */
  private void saveLocals(InsnList out, StatePlan plan) {
    for (Saved s : plan.locals()) {
      if (s.field() != null) {
        // code: frame.F = local;
        out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
        out.add(new VarInsnNode(s.kind().loadOpcode, s.slot() + SHIFT));
        out.add(putField(s));
      }
    }
  }

  /**
   * Emits the restore of a state: every local of its stack map frame (stored ones from their
   * fields, the rest as a default value no one reads), then the operand stack, bottom first. A
   * reference field is nulled once read, so a parked frame holds nothing a later state does not
   * need.
   */
  private void restore(InsnList out, StatePlan plan) {
    restoreLocals(out, plan);
    restoreStack(out, plan.stack());
  }

  /** Emits the restore of every local of a state's stack map frame; the operand stack stays. */
  private void restoreLocals(InsnList out, StatePlan plan) {
    for (Saved s : plan.locals()) {
      if (s.field() == null) {
        out.add(new InsnNode(s.kind().defaultOpcode));
      } else {
        loadField(out, s);
      }
      out.add(new VarInsnNode(s.kind().storeOpcode, s.slot() + SHIFT));
    }
  }

  /** Emits the pushes of {@code stack}, bottom first. */
  private void restoreStack(InsnList out, List<Saved> stack) {
    for (Saved s : stack) {
      if (s.field() == null) {
        out.add(new InsnNode(ACONST_NULL));
      } else {
        loadField(out, s);
      }
    }
  }

  /** code: push (T) frame.F; and for a reference, frame.F = null; */
  private void loadField(InsnList out, Saved s) {
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(new FieldInsnNode(GETFIELD, frame, s.field(), s.kind().descriptor));
    if (s.kind() == ValueKind.REFERENCE) {
      if (s.type() instanceof String internalName && !internalName.equals("java/lang/Object")) {
        out.add(new TypeInsnNode(CHECKCAST, internalName));
      }
      out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
      out.add(new InsnNode(ACONST_NULL));
      out.add(new FieldInsnNode(PUTFIELD, frame, s.field(), s.kind().descriptor));
    }
  }

  private FieldInsnNode putField(Saved s) {
    return new FieldInsnNode(PUTFIELD, frame, s.field(), s.kind().descriptor);
  }

  // Awaits and returns.

  /**
   * Replaces the await call by an inline poll; returns the label the resume block jumps back to.
   * That label starts the cancellation check, which sits in line, inside the same exception
   * ranges as the await, so the user's {@code catch} and {@code finally} see a cancellation. The
   * first poll runs it too: a cancelled task throws at every await it reaches.
   */
  private LabelNode replaceAwait(InsnList code, AwaitSite site, LabelNode suspend) {
    MethodInsnNode call = site.insn();
    InsnList poll = new InsnList();
    if (site.awaitsStage()) {
      // code: future = StageFuture.of(stage);
      poll.add(new MethodInsnNode(
          INVOKESTATIC, RuntimeNames.STAGE_FUTURE, "of", RuntimeNames.STAGE_OF_DESC, false));
    }
    LabelNode checkLabel = new LabelNode();
    List<Object> locals = awaitLocals(site);
    List<Object> stack = awaitStack(site);
    if (followsStackMap(call)) {
      poll.add(new InsnNode(NOP)); // two stack maps cannot share an offset
    }
    // code: Cancellation.checkBeforePoll(future, cx);   (first poll and resume: a cancelled task
    // throws here, so it never parks at an await once cancelled)
    poll.add(checkLabel);
    poll.add(stackMap(locals, stack));
    poll.add(checkCancellation()); // stack: ... future
    // code: Poll p = future.poll(cx); if (p.isPending()) goto suspend; push p.get();
    poll.add(new InsnNode(DUP)); // stack: ... future future
    poll.add(new VarInsnNode(ALOAD, CONTEXT_SLOT)); // stack: ... future future cx
    poll.add(pollCall()); // stack: ... future poll
    poll.add(new InsnNode(DUP)); // stack: ... future poll poll
    poll.add(isPendingCall()); // stack: ... future poll pending
    poll.add(new JumpInsnNode(IFNE, suspend)); // stack: ... future poll
    poll.add(new InsnNode(SWAP)); // stack: ... poll future
    poll.add(new InsnNode(POP)); // stack: ... poll
    poll.add(new MethodInsnNode(
        INVOKEVIRTUAL, RuntimeNames.POLL, "get", "()Ljava/lang/Object;", false)); // stack: ... value
    code.insertBefore(call, poll);
    code.remove(call);
    return checkLabel;
  }

  /** Whether a stack map frame sits at the offset of {@code insn}, with no instruction between. */
  private static boolean followsStackMap(AbstractInsnNode insn) {
    for (AbstractInsnNode p = insn.getPrevious(); p != null; p = p.getPrevious()) {
      if (p instanceof FrameNode) {
        return true;
      }
      if (p.getOpcode() >= 0) {
        return false;
      }
    }
    return false;
  }

  private void replaceReturn(
      InsnList code, MethodAnalysis.ReturnSite ret, LabelNode tail, int tailState) {
    AbstractInsnNode areturn = ret.insn();
    AbstractInsnNode previous = previousInstructionInBlock(areturn);
    if (ret.stack().size() == 1
        && previous instanceof MethodInsnNode call
        && call.getOpcode() == INVOKESTATIC
        && call.owner.equals(RuntimeNames.FUTURE)
        && call.name.equals("ready")
        && call.desc.equals(RuntimeNames.FUTURE_READY_DESC)) {
      // code: frame.state = DONE; return Poll.ready(v);   (no future allocated, no tail poll)
      code.set(call, new MethodInsnNode(
          INVOKESTATIC, RuntimeNames.POLL, "ready", RuntimeNames.POLL_READY_DESC, false));
      InsnList finish = new InsnList();
      finish.add(setState(FrameLayout.DONE));
      if (trace) {
        finish.add(traceEvent(messages.done()));
      }
      code.insertBefore(areturn, finish);
      return;
    }
    // code: frame.L0 = future; (drop anything under it) frame.state = TAIL; goto tail;
    InsnList await = new InsnList();
    await.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    await.add(new InsnNode(SWAP));
    await.add(putReference(tailAwaited));
    List<Object> under = ret.stack().subList(0, ret.stack().size() - 1);
    for (int i = under.size() - 1; i >= 0; i--) {
      Object type = under.get(i);
      if (type == Opcodes.TOP) {
        continue; // the upper half of a long or double, popped with its lower half
      }
      await.add(new InsnNode(StackMapTypes.isTwoSlot(type) ? POP2 : POP));
    }
    await.add(setState(tailState));
    await.add(new JumpInsnNode(GOTO, tail));
    code.insertBefore(areturn, await);
    code.remove(areturn);
  }

  /** The instruction before {@code insn} if no jump target lies between them, else null. */
  static AbstractInsnNode previousInstructionInBlock(AbstractInsnNode insn) {
    for (AbstractInsnNode n = insn.getPrevious(); n != null; n = n.getPrevious()) {
      if (n instanceof FrameNode) {
        return null;
      }
      if (n.getOpcode() >= 0) {
        return n;
      }
    }
    return null;
  }

  // The stub.

  /** Replaces the original method's code by: allocate the frame, store the live parameters, return it. */
  private void makeStub(StatePlan entry) {
    InsnList stub = new InsnList();
    if (where.line() >= 0) {
      LabelNode line = new LabelNode();
      stub.add(line);
      stub.add(new LineNumberNode(where.line(), line));
    }
    // code: Frame f = new Frame(); f.L0 = this; f.J0 = arg1; ...; return f;
    Type frameType = Type.getObjectType(frame);
    stub.add(Emitter.emit(g -> {
      g.newInstance(frameType);
      g.dup();
      g.invokeConstructor(frameType, NO_ARGUMENT_CONSTRUCTOR);
    })); // stack: frame
    for (Saved s : entry.locals()) {
      if (s.field() != null) {
        stub.add(new InsnNode(DUP)); // stack: frame frame
        stub.add(new VarInsnNode(s.kind().loadOpcode, s.slot())); // stack: frame frame arg
        stub.add(putField(s)); // stack: frame
      }
    }
    stub.add(new InsnNode(ARETURN));
    RefusalWriter.replaceCode(method, stub);
  }

  // Small emitters.

  private void shiftLocals(MethodNode body) {
    for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
      if (n instanceof VarInsnNode v) {
        v.var += SHIFT;
      } else if (n instanceof IincInsnNode iinc) {
        iinc.var += SHIFT;
      } else if (n instanceof FrameNode f) {
        f.local = concat(prefix(), f.local);
      }
    }
    if (body.localVariables != null) {
      for (LocalVariableNode v : body.localVariables) {
        v.index += SHIFT;
      }
    }
    body.visibleLocalVariableAnnotations = null;
    body.invisibleLocalVariableAnnotations = null;
  }

  private List<Object> prefix() {
    return List.of(frame, RuntimeNames.CONTEXT);
  }

  private static List<Object> concat(List<Object> a, List<Object> b) {
    List<Object> out = new ArrayList<>(a.size() + (b == null ? 0 : b.size()));
    out.addAll(a);
    if (b != null) {
      out.addAll(b);
    }
    return out;
  }

  private List<Object> awaitLocals(AwaitSite site) {
    if (hoisted != null) {
      return prefix();
    }
    return concat(prefix(), StackMapTypes.toStackMapEncoding(site.locals()));
  }

  private static List<Object> awaitStack(AwaitSite site) {
    List<Object> stack = StackMapTypes.toStackMapEncoding(site.stack());
    stack.set(stack.size() - 1, RuntimeNames.FUTURE);
    return stack;
  }

  private FrameNode emptyStackMap() {
    return stackMap(prefix(), List.of());
  }

  private static FrameNode stackMap(List<Object> locals, List<Object> stack) {
    return new FrameNode(F_NEW, locals.size(), locals.toArray(), stack.size(), stack.toArray());
  }

  private InsnList setState(int state) {
    InsnList out = new InsnList();
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(Emitter.push(state));
    out.add(new FieldInsnNode(PUTFIELD, frame, FrameLayout.STATE, "I"));
    return out;
  }

  private InsnList traceEvent(String message) {
    InsnList out = new InsnList();
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(new LdcInsnNode(message));
    out.add(new MethodInsnNode(
        INVOKESTATIC, RuntimeNames.TRACE, "event", RuntimeNames.TRACE_EVENT_DESC, false));
    return out;
  }

  /** stack: future -> future, or throws CancelledException if the task was cancelled. */
  private static InsnList checkCancellation() {
    InsnList out = new InsnList();
    out.add(new VarInsnNode(ALOAD, CONTEXT_SLOT));
    out.add(new MethodInsnNode(INVOKESTATIC, RuntimeNames.CANCELLATION, "checkBeforePoll",
        RuntimeNames.CHECK_BEFORE_POLL_DESC, false));
    return out;
  }

  private static MethodInsnNode pollCall() {
    return new MethodInsnNode(
        INVOKEINTERFACE, RuntimeNames.FUTURE, "poll", RuntimeNames.POLL_DESC, true);
  }

  private static MethodInsnNode isPendingCall() {
    return new MethodInsnNode(INVOKEVIRTUAL, RuntimeNames.POLL, "isPending", "()Z", false);
  }

  /**
   * code: frame.F   (stack: frame -> value). No cast back to {@code Future} for an awaited future:
   * the verifier lets any reference flow where an interface type is expected (JVMS 4.10.1.2), so
   * the field's {@code Object} meets the stack map's {@code Future} at the poll as it is.
   */
  private FieldInsnNode getReference(String field) {
    return new FieldInsnNode(GETFIELD, frame, field, ValueKind.REFERENCE.descriptor);
  }

  /** code: frame.F = value   (stack: frame value -> empty). */
  private FieldInsnNode putReference(String field) {
    return new FieldInsnNode(PUTFIELD, frame, field, ValueKind.REFERENCE.descriptor);
  }

  /** code: frame.F = null;   so a parked or finished frame keeps nothing it no longer needs. */
  private InsnList clearReference(String field) {
    InsnList out = new InsnList();
    out.add(new VarInsnNode(ALOAD, FRAME_SLOT));
    out.add(new InsnNode(ACONST_NULL));
    out.add(putReference(field));
    return out;
  }
}
