// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.agent.analysis.AwaitSite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;

/** Which awaits {@link OperandChains} chains, from the operand stacks under their futures alone. */
class OperandChainsTest {

  /** The awaited future on top of every stack. */
  static final String FUTURE = "dev/tinyrt/Future";

  /** An await whose operand stack, under its future, is {@code under}. */
  static AwaitSite await(Object... under) {
    List<Object> stack = new ArrayList<>(Arrays.asList(under));
    stack.add(FUTURE);
    return new AwaitSite(
        /* insn = */ null, false, List.of(), stack, new BitSet(), /* location = */ null);
  }

  static List<Integer> parents(OperandChains chains, int awaits) {
    List<Integer> parents = new ArrayList<>();
    for (int k = 0; k < awaits; k++) {
      parents.add(chains.parent(k));
    }
    return parents;
  }

  @Test
  void aConcatenationChainsEachAwaitToTheOneBefore() {
    String s = "java/lang/String";
    OperandChains chains = OperandChains.of(List.of(
        await(s),
        await(s, s, Opcodes.INTEGER),
        await(s, s, Opcodes.INTEGER, s, Opcodes.LONG, Opcodes.TOP)));
    assertEquals(List.of(-1, 0, 1), parents(chains, 3));
    assertTrue(chains.extended(0) && chains.extended(1));
    assertFalse(chains.extended(2));
    assertTrue(chains.chained(0) && chains.chained(2));
  }

  @Test
  void anAwaitThatAddsNothingOrChangesATypeStartsAfresh() {
    String s = "java/lang/String";
    OperandChains chains = OperandChains.of(List.of(
        await(Opcodes.LONG, Opcodes.TOP), // acc += await(...): the same stack at each await
        await(Opcodes.LONG, Opcodes.TOP),
        await(Opcodes.LONG, Opcodes.TOP, s), // adds one: chained
        await(Opcodes.DOUBLE, Opcodes.TOP, s, s), // another type underneath: a new start
        await(), // nothing under it: never chained
        await(s)));
    assertEquals(List.of(-1, -1, 1, -1, -1, -1), parents(chains, 6));
    assertFalse(chains.chained(0));
    assertFalse(chains.chained(3) || chains.chained(4) || chains.chained(5));
  }

  @Test
  void anObjectNotYetConstructedIsNeverChained() {
    String s = "java/lang/String";
    Label uninitialized = new Label();
    OperandChains chains = OperandChains.of(List.of(
        await(s), await(s, uninitialized, uninitialized), await(s, Opcodes.UNINITIALIZED_THIS)));
    assertEquals(List.of(-1, -1, -1), parents(chains, 3));
  }
}
