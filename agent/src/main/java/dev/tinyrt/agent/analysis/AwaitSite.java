// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.BitSet;
import java.util.List;
import org.objectweb.asm.tree.MethodInsnNode;

/**
 * One {@code Async.await} call in an async method: a point where the method may suspend.
 *
 * @param insn the call instruction
 * @param awaitsStage whether it is {@code await(CompletionStage)} rather than {@code await(Future)}
 * @param locals the types of the locals before the call (the {@link StackMapTypes} encoding)
 * @param stack the operand stack before the call, bottom first; its top is the awaited value
 * @param live the local slots that may be read after the call
 * @param location where the call is in the source
 */
public record AwaitSite(
    MethodInsnNode insn,
    boolean awaitsStage,
    List<Object> locals,
    List<Object> stack,
    BitSet live,
    SourceLocation location) {}
