// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.analysis.AwaitSite;
import dev.tinyrt.agent.analysis.MethodAnalysis;
import dev.tinyrt.agent.analysis.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The await-point table a frame class carries for the runtime's reports (task dump, slow polls):
 * a {@code static final String} constant, so it costs no instance field, no code and no class
 * initializer, and the runtime reads it reflectively only when it makes a report.
 *
 * <p>Its text is one line per state after a first line naming the method, each line three
 * tab-separated columns: where the state is parked ({@code File.java:line}), the awaited
 * expression, and the frame field that holds the awaited future while parked (empty for state 0,
 * which awaits nothing). For the chapter's cart:
 *
 * <pre>
 * Cart.cartTotal
 * Cart.java:15\t\t            state 0: not polled yet, at the method's first line
 * Cart.java:15\tsocks\tL1     state 1: parked at await 1
 * Cart.java:16\tshoes\tL0     state 2: parked at await 2
 * Cart.java:17\treturn ready(...)\tL0   the tail: awaiting the future the method returned
 * </pre>
 *
 * The runtime's reader is {@code dev.tinyrt.rt.FrameTable}; the field's name is {@link
 * dev.tinyrt.agent.RuntimeNames#AWAIT_POINTS}.
 */
final class AwaitPointTable {

  /** The column separator. */
  private static final char COLUMN = '\t';

  /** The method, {@code Cart.cartTotal}. */
  private final String method;

  /** Where each state is parked, state 0 and the tail included, in state order. */
  private final List<String> locations = new ArrayList<>();

  /** The awaited expression of each state, in state order. */
  private final List<String> expressions = new ArrayList<>();

  private AwaitPointTable(String method) {
    this.method = method;
  }

  /**
   * Reads the await points of {@code method} before it is rewritten (the awaited expressions are
   * read from the original code).
   *
   * @param host the class
   * @param method the async method, not rewritten yet
   * @param analysis its analysis
   * @return the table, without its field column until {@link #render}
   */
  static AwaitPointTable before(ClassNode host, MethodNode method, MethodAnalysis analysis) {
    SourceLocation where = SourceLocation.of(host, method, null);
    TraceMessages text = new TraceMessages(host, method, where);
    AwaitPointTable table = new AwaitPointTable(where.simpleClassName() + "." + where.method());

    // State 0: created, not polled yet.
    table.add(where.fileAndLine(), "");

    // State k: parked at await k.
    for (AwaitSite site : analysis.awaits()) {
      table.add(site.location().fileAndLine(), text.awaitedExpression(site.insn()));
    }

    // The tail: awaiting the returned future, from one return line or several.
    TreeSet<Integer> lines = new TreeSet<>();
    String expression = "return ...";
    for (MethodAnalysis.ReturnSite ret : analysis.returns()) {
      lines.add(SourceLocation.of(host, method, ret.insn()).line());
      expression = "return " + text.awaitedExpression(ret.insn());
    }
    if (lines.size() == 1) {
      SourceLocation ret = SourceLocation.of(host, method, analysis.returns().get(0).insn());
      table.add(ret.fileAndLine(), expression);
    } else {
      String returns = lines.isEmpty() ? "return (none: the method only throws)"
          : "return ... (one of lines " + lines.first() + " to " + lines.last() + ")";
      table.add(new SourceLocation(where.className(), where.method(), where.file(), -1)
          .fileAndLine(), returns);
    }
    return table;
  }

  private void add(String location, String expression) {
    locations.add(location);
    expressions.add(expression);
  }

  /**
   * Renders the table with the field that holds each state's awaited future: the reference field
   * after the state's own (the layout allocates it last), and the first one in the tail.
   *
   * @param stored what each state stores, as the rewrite planned it (state 0, then each await's)
   * @return the constant's text
   */
  String render(StoredStates stored) {
    StringBuilder out = new StringBuilder(method);
    int tail = locations.size() - 1;
    for (int state = 0; state <= tail; state++) {
      String field;
      if (state == 0) {
        field = "";
      } else if (state == tail) {
        field = ValueKind.REFERENCE.prefix + 0;
      } else {
        field = ValueKind.REFERENCE.prefix + referenceFields(stored.states().get(state));
      }
      out.append('\n').append(locations.get(state)).append(COLUMN)
          .append(expressions.get(state)).append(COLUMN).append(field);
    }
    return out.toString();
  }

  /** Counts the numbered reference fields a state stores its values in (hoisted ones excluded). */
  private static int referenceFields(List<StoredStates.Value> values) {
    int n = 0;
    for (StoredStates.Value v : values) {
      if (v.field() != null && v.field().matches(ValueKind.REFERENCE.prefix + "\\d+")) {
        n++;
      }
    }
    return n;
  }
}
