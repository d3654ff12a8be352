// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders explanations as text: the enum the chapter writes by hand, one line per state, then what
 * each state stores and where it parks.
 *
 * <pre>
 * demo.CartAsync.cartTotal (CartAsync.java:26): frame CartAsync$cartTotal-Frame, 40 bytes
 *   Start { socks, shoes }
 *     state 0, not polled yet; state 1, parked at CartAsync.java:26 on await(socks)
 *     ...
 * </pre>
 */
public final class ExplainText {

  private ExplainText() {}

  /**
   * Renders {@code methods}.
   *
   * @param methods the explanations
   * @return the text, one method after another, each line ending with a newline
   */
  public static String render(List<MethodExplanation> methods) {
    StringBuilder out = new StringBuilder();
    for (MethodExplanation m : methods) {
      render(m, out);
    }
    if (!methods.isEmpty()) {
      out.append("(").append(FrameSize.ESTIMATE_NOTE).append(")\n");
    }
    return out.toString();
  }

  private static void render(MethodExplanation m, StringBuilder out) {
    if (m.refusal() != null) {
      out.append(m.method()).append(": not rewritten\n  ").append(m.refusal()).append('\n');
      return;
    }
    out.append(m.method()).append(": frame ").append(m.frameClass().replace('/', '.'))
        .append(", ").append(m.frameBytes()).append(" bytes\n");
    if (m.localsHoisted()) {
      out.append("  (its locals live in frame fields for the whole body, not per state: it has "
          + "too many awaits and live values to save them at each)\n");
    }
    for (MethodExplanation.State s : m.states()) {
      out.append("  ").append(s.name());
      if (!s.name().equals(Explainer.DONE)) {
        out.append(" { ").append(String.join(", ", s.names())).append(" }");
      }
      out.append('\n');
      if (s.numbers().isEmpty()) {
        out.append("    returned or threw: the frame keeps nothing\n");
        continue;
      }
      out.append("    ").append(where(s)).append('\n');
      List<String> kept = new ArrayList<>();
      int bytes = 0;
      if (s.awaited() != null) {
        kept.add(s.awaited().name() + ": " + s.awaited().type() + " (" + s.awaited().bytes()
            + " B, awaited)");
        bytes += s.awaited().bytes();
      }
      for (MethodExplanation.Value v : s.values()) {
        kept.add(value(v));
        bytes += v.bytes();
      }
      out.append("    keeps ").append(kept.isEmpty() ? "nothing" : String.join(", ", kept))
          .append(kept.isEmpty() ? "" : ": " + bytes + " bytes").append('\n');
      if (!s.dropped().isEmpty()) {
        out.append("    drops ").append(String.join(", ", s.dropped()))
            .append(" (dead: no later code reads ")
            .append(s.dropped().size() == 1 ? "it" : "them").append(")\n");
      }
      for (MethodExplanation.Value v : s.values()) {
        if (v.holdsMemory() && s.parkedAt() != null) {
          out.append("    ! ").append(memoryWarning(v, s.parkedAt())).append('\n');
        }
      }
    }
  }

  /**
   * The memory warning for a stored array or collection.
   *
   * @param v the value
   * @param parkedAt where the state parks
   * @return {@code keeps `buffer` (byte[]) alive while parked at Cart.java:40 ...}
   */
  static String memoryWarning(MethodExplanation.Value v, String parkedAt) {
    return "keeps `" + v.name() + "` (" + v.type() + ") alive while parked at " + parkedAt
        + "; if only part of it is needed after the await (a length, a sum), keep just that";
  }

  private static String where(MethodExplanation.State s) {
    List<String> parts = new ArrayList<>();
    for (int n : s.numbers()) {
      parts.add(n == 0
          ? "state 0, not polled yet"
          : "state " + n + ", parked at " + s.parkedAt() + " on await(" + s.awaited().name() + ")");
    }
    return String.join("; ", parts);
  }

  private static String value(MethodExplanation.Value v) {
    return v.name() + ": " + v.type() + " (" + v.bytes() + " B)";
  }
}
