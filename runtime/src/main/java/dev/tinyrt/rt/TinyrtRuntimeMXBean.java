// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

/**
 * A runtime seen from outside the process, through JMX: each {@link AsyncRuntime} registers one
 * in the platform MBean server as {@code dev.tinyrt:type=Runtime,name=<its name>} while it runs,
 * when the JVM runs with {@code -Dtinyrt.jmx=true} ({@link RuntimeMBeans}). In JConsole or VisualVM, open the MBean and invoke {@code dump}; from
 * code, {@code ManagementFactory.getPlatformMBeanServer().invoke(name, "dump", null, null)}.
 */
public interface TinyrtRuntimeMXBean {

  /** @return the runtime's name */
  String getName();

  /** @return how many tasks are live (spawned and not finished) */
  int getLiveTasks();

  /** @return whether the runtime began shutting down */
  boolean isShutdown();

  /**
   * Returns the task dump ({@link TaskDump#text}): every live task, where it is parked, what it
   * awaits.
   *
   * @return the dump's text
   */
  String dump();
}
