// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.IdentityHashMap;
import java.util.Map;
import org.objectweb.asm.tree.MethodNode;

/**
 * The control-flow graphs of one class's methods as they were read, each built at most once and
 * shared by the analyses that walk it before the rewrite changes the method ({@link MonitorDepth}
 * when deciding, the lock-held warnings when diagnosing). Not for a method already changed: its
 * graph would be stale. Confined to the thread rewriting the class.
 */
public final class ControlFlows {

  /** The graph of each method asked for so far. */
  private final Map<MethodNode, ControlFlow> graphs = new IdentityHashMap<>();

  /**
   * Returns the graph of {@code method}, built the first time it is asked for.
   *
   * @param method a method of the class, not changed since it was read
   * @return its control-flow graph
   */
  public ControlFlow of(MethodNode method) {
    return graphs.computeIfAbsent(method, ControlFlow::of);
  }
}
