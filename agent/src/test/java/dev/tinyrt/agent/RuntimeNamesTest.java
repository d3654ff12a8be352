// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Async;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.internal.FrameDefiner;
import dev.tinyrt.internal.StageFuture;
import dev.tinyrt.internal.StageTask;
import dev.tinyrt.internal.Trace;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

/** The names the agent emits are the runtime's real names and signatures. */
class RuntimeNamesTest {

  @Test
  void classNames() {
    assertEquals(Type.getInternalName(Async.class), RuntimeNames.ASYNC);
    assertEquals(Type.getInternalName(Future.class), RuntimeNames.FUTURE);
    assertEquals(Type.getInternalName(Poll.class), RuntimeNames.POLL);
    assertEquals(Type.getInternalName(Context.class), RuntimeNames.CONTEXT);
    assertEquals(Type.getInternalName(FrameDefiner.class), RuntimeNames.FRAME_DEFINER);
    assertEquals(Type.getInternalName(StageFuture.class), RuntimeNames.STAGE_FUTURE);
    assertEquals(Type.getInternalName(Trace.class), RuntimeNames.TRACE);
    assertEquals(Type.getInternalName(StageTask.class), RuntimeNames.STAGE_TASK);
    assertEquals(Type.getInternalName(Cancellation.class), RuntimeNames.CANCELLATION);
    assertEquals(Type.getInternalName(ForwardsCancellation.class), RuntimeNames.FORWARDS_CANCELLATION);
    assertEquals(dev.tinyrt.rt.AwaitPoint.TABLE_FIELD, RuntimeNames.AWAIT_POINTS);
    assertEquals(Type.getInternalName(dev.tinyrt.internal.NeverPolled.class),
        RuntimeNames.NEVER_POLLED);
    assertEquals(dev.tinyrt.internal.NeverPolled.PROPERTY, RuntimeNames.NEVER_POLLED_PROPERTY);
  }

  @Test
  void methodDescriptors() throws NoSuchMethodException {
    assertEquals(Type.getMethodDescriptor(Async.class.getMethod(RuntimeNames.AWAIT, Future.class)),
        RuntimeNames.AWAIT_FUTURE_DESC);
    assertEquals(Type.getMethodDescriptor(
            Async.class.getMethod(RuntimeNames.AWAIT, CompletionStage.class)),
        RuntimeNames.AWAIT_STAGE_DESC);
    assertEquals(Type.getMethodDescriptor(Future.class.getMethod("ready", Object.class)),
        RuntimeNames.FUTURE_READY_DESC);
    assertEquals(Type.getMethodDescriptor(Future.class.getMethod("poll", Context.class)),
        RuntimeNames.POLL_DESC);
    assertEquals(Type.getMethodDescriptor(Poll.class.getMethod("ready", Object.class)),
        RuntimeNames.POLL_READY_DESC);
    assertEquals(Type.getMethodDescriptor(Poll.class.getMethod("pending")),
        RuntimeNames.POLL_PENDING_DESC);
    assertEquals(Type.getMethodDescriptor(StageFuture.class.getMethod("of", CompletionStage.class)),
        RuntimeNames.STAGE_OF_DESC);
    assertEquals(Type.getMethodDescriptor(
            StageTask.class.getMethod("start", Future.class, CompletableFuture.class)),
        RuntimeNames.START_DESC);
    assertEquals(Type.getMethodDescriptor(
            StageTask.class.getMethod("returned", CompletionStage.class)),
        RuntimeNames.RETURNED_DESC);
    assertEquals(Type.getMethodDescriptor(
            FrameDefiner.class.getMethod("define", MethodHandles.Lookup.class, String.class)),
        RuntimeNames.DEFINE_DESC);
    assertEquals(Type.getMethodDescriptor(
            Cancellation.class.getMethod("checkBeforePoll", Future.class, Context.class)),
        RuntimeNames.CHECK_BEFORE_POLL_DESC);
    assertEquals(Type.getMethodDescriptor(Trace.class.getMethod("event", Object.class, String.class)),
        RuntimeNames.TRACE_EVENT_DESC);
    assertEquals(Type.getMethodDescriptor(
            dev.tinyrt.internal.NeverPolled.class.getMethod("created", Object.class)),
        RuntimeNames.NEVER_POLLED_CREATED_DESC);
    assertEquals(Type.getMethodDescriptor(dev.tinyrt.internal.NeverPolled.class.getMethod(
            "polling", Object.class, int.class)),
        RuntimeNames.NEVER_POLLED_POLLING_DESC);
  }
}
