// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An async method explained as the chapter's enum: its states, what each stores while parked, and
 * the frame's size.
 *
 * @param method where the method is: {@code demo.CartAsync.cartTotal (CartAsync.java:26)}
 * @param name the method's name, for {@code --method}
 * @param frameClass the frame class's internal name, or null when the method is refused
 * @param frameBytes the frame's estimated size ({@link FrameSize}), or 0 when refused
 * @param states the states in order: the start, one per await, then {@code Done}
 * @param transitions the edges between states along the method's control flow
 * @param localsHoisted whether the locals live in frame fields for the whole body (a method with
 *     many awaits and live values), so the states list only what the operand stack keeps
 * @param refusal why tinyrt does not rewrite the method, or null
 */
public record MethodExplanation(
    String method,
    String name,
    String frameClass,
    int frameBytes,
    List<State> states,
    List<Transition> transitions,
    boolean localsHoisted,
    String refusal) {

  /**
   * One state: the variant of the chapter's enum.
   *
   * @param name the variant's name: {@code Start}, {@code GotSocks}, {@code Done}
   * @param numbers the values of the frame's {@code state} field it stands for (the start may be
   *     both 0, not polled yet, and 1, parked at the first await); empty for {@code Done}
   * @param parkedAt where it is parked ({@code File.java:line}), or null (not polled yet, done)
   * @param awaited the awaited expression, or null
   * @param values what it keeps: the awaited future first, then the stored locals and operands
   * @param dropped the names of the locals in scope that are not kept because no later code reads
   *     them
   */
  public record State(
      String name,
      List<Integer> numbers,
      String parkedAt,
      Value awaited,
      List<Value> values,
      List<String> dropped) {

    /**
     * Returns the names of what the state keeps, the awaited future included, in the chapter's
     * order: the values already computed, then the futures still to await, each in source order.
     */
    public List<String> names() {
      List<Value> all = new ArrayList<>(values);
      if (awaited != null) {
        all.add(awaited);
      }
      all.sort(Comparator.comparing(Value::future)
          .thenComparing(v -> v.slot() < 0 ? Integer.MAX_VALUE : v.slot()));
      List<String> names = new ArrayList<>();
      for (Value v : all) {
        names.add(v.name());
      }
      return names;
    }
  }

  /**
   * A value a state keeps.
   *
   * @param name its source name, {@code slot N} without debug information, or {@code operand N}
   * @param type its type as the source writes it: {@code long}, {@code Future}, {@code byte[]}
   * @param bytes the bytes of its frame field
   * @param holdsMemory whether it is an array or a collection: memory kept alive while parked
   * @param future whether it is a future (or a {@code CompletionStage}), still to be awaited
   * @param slot its local slot, or -1 for an operand or an awaited expression that is no local
   */
  public record Value(
      String name, String type, int bytes, boolean holdsMemory, boolean future, int slot) {}

  /**
   * An edge of the state machine.
   *
   * @param from the state it leaves, by name
   * @param to the state it enters, by name
   * @param label what happens: {@code socks ready}
   */
  public record Transition(String from, String to, String label) {}
}
