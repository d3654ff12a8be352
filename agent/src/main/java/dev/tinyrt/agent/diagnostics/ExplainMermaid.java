// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import java.util.List;

/** Renders explanations as Mermaid {@code stateDiagram-v2} diagrams, one per method. */
public final class ExplainMermaid {

  private ExplainMermaid() {}

  /**
   * Renders {@code methods}.
   *
   * @param methods the explanations
   * @return one diagram per rewritten method, each preceded by a {@code %%} comment naming it
   */
  public static String render(List<MethodExplanation> methods) {
    StringBuilder out = new StringBuilder();
    for (MethodExplanation m : methods) {
      out.append("%% ").append(m.method()).append('\n');
      if (m.refusal() != null) {
        out.append("%% not rewritten: ").append(m.refusal()).append('\n');
        continue;
      }
      out.append("stateDiagram-v2\n");
      for (MethodExplanation.State s : m.states()) {
        String fields = s.name().equals(Explainer.DONE)
            ? ""
            : " { " + String.join(", ", s.names()) + " }";
        out.append("  state \"").append(s.name()).append(fields).append("\" as ")
            .append(s.name()).append('\n');
      }
      out.append("  [*] --> ").append(Explainer.START).append(": called (runs nothing)\n");
      for (MethodExplanation.Transition t : m.transitions()) {
        out.append("  ").append(t.from()).append(" --> ").append(t.to()).append(": ")
            .append(t.label()).append('\n');
      }
      out.append("  ").append(Explainer.DONE).append(" --> [*]\n");
      for (MethodExplanation.State s : m.states()) {
        if (s.parkedAt() != null) {
          out.append("  note right of ").append(s.name()).append(": parked at ")
              .append(s.parkedAt()).append('\n');
        }
      }
    }
    return out.toString();
  }
}
