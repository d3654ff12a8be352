// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

/**
 * The runtime's names that rewritten code refers to, in one place. The agent never loads the
 * runtime; a test checks each name against the runtime's classes.
 */
public final class RuntimeNames {

  /** {@code dev.tinyrt.Async}, whose {@code await} calls mark an async method. */
  public static final String ASYNC = "dev/tinyrt/Async";

  /** {@code dev.tinyrt.Future}, the declared return type of every async method. */
  public static final String FUTURE = "dev/tinyrt/Future";

  /** {@code dev.tinyrt.Poll}, what {@code Future.poll} returns. */
  public static final String POLL = "dev/tinyrt/Poll";

  /** {@code dev.tinyrt.Context}, what {@code Future.poll} takes. */
  public static final String CONTEXT = "dev/tinyrt/Context";

  /** {@code dev.tinyrt.internal.FrameDefiner}, which defines frame classes from the host. */
  public static final String FRAME_DEFINER = "dev/tinyrt/internal/FrameDefiner";

  /** {@code dev.tinyrt.internal.StageFuture}, a {@code CompletionStage} seen as a future. */
  public static final String STAGE_FUTURE = "dev/tinyrt/internal/StageFuture";

  /** {@code dev.tinyrt.internal.StageTask}, which runs an EA-style async method's frame eagerly. */
  public static final String STAGE_TASK = "dev/tinyrt/internal/StageTask";

  /** {@code StageTask.start(Future, CompletableFuture)}. */
  public static final String START_DESC =
      "(Ldev/tinyrt/Future;Ljava/util/concurrent/CompletableFuture;)V";

  /** {@code StageTask.returned(CompletionStage)}. */
  public static final String RETURNED_DESC =
      "(Ljava/util/concurrent/CompletionStage;)Ldev/tinyrt/Future;";

  /** {@code dev.tinyrt.internal.Cancellation}, asked before each poll of an awaited future whether the task was cancelled. */
  public static final String CANCELLATION = "dev/tinyrt/internal/Cancellation";

  /** {@code dev.tinyrt.internal.ForwardsCancellation}, implemented by every frame. */
  public static final String FORWARDS_CANCELLATION = "dev/tinyrt/internal/ForwardsCancellation";

  /** {@code Cancellation.checkBeforePoll(Future, Context)}. */
  public static final String CHECK_BEFORE_POLL_DESC =
      "(Ldev/tinyrt/Future;Ldev/tinyrt/Context;)Ldev/tinyrt/Future;";

  /** {@code dev.tinyrt.internal.Trace}, called by frames rewritten with the trace option. */
  public static final String TRACE = "dev/tinyrt/internal/Trace";

  /** The name of both {@code Async.await} methods. */
  public static final String AWAIT = "await";

  /** {@code Async.await(Future)}. */
  public static final String AWAIT_FUTURE_DESC = "(Ldev/tinyrt/Future;)Ljava/lang/Object;";

  /** {@code Async.await(CompletionStage)}. */
  public static final String AWAIT_STAGE_DESC =
      "(Ljava/util/concurrent/CompletionStage;)Ljava/lang/Object;";

  /** {@code Future.ready(Object)}, a static interface method. */
  public static final String FUTURE_READY_DESC = "(Ljava/lang/Object;)Ldev/tinyrt/Future;";

  /** {@code Future.poll(Context)}. */
  public static final String POLL_DESC = "(Ldev/tinyrt/Context;)Ldev/tinyrt/Poll;";

  /** {@code Poll.ready(Object)}. */
  public static final String POLL_READY_DESC = "(Ljava/lang/Object;)Ldev/tinyrt/Poll;";

  /** {@code Poll.pending()}. */
  public static final String POLL_PENDING_DESC = "()Ldev/tinyrt/Poll;";

  /** {@code StageFuture.of(CompletionStage)}. */
  public static final String STAGE_OF_DESC =
      "(Ljava/util/concurrent/CompletionStage;)Ldev/tinyrt/Future;";

  /** {@code FrameDefiner.define(Lookup, String)}. */
  public static final String DEFINE_DESC = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;)V";

  /** {@code Trace.event(Object, String)}. */
  public static final String TRACE_EVENT_DESC = "(Ljava/lang/Object;Ljava/lang/String;)V";

  /** The name of a frame's await-point table, a static String constant read by {@code dev.tinyrt.rt.FrameTable}. */
  public static final String AWAIT_POINTS = "AWAIT_POINTS";

  /** {@code dev.tinyrt.internal.NeverPolled}, told by each frame of its creation and polls. */
  public static final String NEVER_POLLED = "dev/tinyrt/internal/NeverPolled";

  /**
   * {@code NeverPolled.PROPERTY}, {@code tinyrt.neverPolled}: when true where the rewrite runs,
   * frames call {@link #NEVER_POLLED}.
   */
  public static final String NEVER_POLLED_PROPERTY = "tinyrt.neverPolled";

  /** {@code NeverPolled.created(Object)}, called by a frame's constructor. */
  public static final String NEVER_POLLED_CREATED_DESC = "(Ljava/lang/Object;)V";

  /** {@code NeverPolled.polling(Object, int)}, called by a frame's poll with its state. */
  public static final String NEVER_POLLED_POLLING_DESC = "(Ljava/lang/Object;I)V";

  /** The internal name prefix of the agent's own classes, never transformed. */
  public static final String AGENT_PACKAGE = "dev/tinyrt/agent/";

  private RuntimeNames() {}
}
