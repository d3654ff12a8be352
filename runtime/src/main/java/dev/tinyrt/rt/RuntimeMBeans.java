// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers each runtime's {@link TinyrtRuntimeMXBean} in the platform MBean server, so that a
 * task dump can be taken from outside the process (JConsole, VisualVM, any JMX client), and
 * unregisters it when the runtime shuts down. The MBean holds its runtime weakly: a runtime that
 * is dropped without being shut down is not kept alive by JMX, and its name is freed.
 *
 * <p>On with {@code -Dtinyrt.jmx=true}, read as each runtime is built. Off by default because the
 * first registration creates the platform MBean server: building and closing the first runtime
 * took 0.53 to 0.64 s with it against 0.05 to 0.14 s without, and each later one 0.6 to 1 ms
 * against 0.04 to 0.1 ms (a loaded 2-core machine); an application that already uses JMX pays
 * only the latter. A runtime whose name is
 * taken gets {@code name=<name>#2}, and so on. Registration failures never fail the runtime: JMX
 * is a window, not a dependency.
 */
final class RuntimeMBeans {

  /** The system property that turns registration off. */
  static final String PROPERTY = "tinyrt.jmx";


  /** The domain and type of every runtime's name. */
  static final String DOMAIN_AND_TYPE = "dev.tinyrt:type=Runtime";

  /** The name each registered runtime got, by identity of the MBean's runtime. */
  private static final Map<Registered, ObjectName> NAMES = new ConcurrentHashMap<>();

  private RuntimeMBeans() {}

  /** The MBean of one runtime, holding it weakly. */
  private static final class Registered implements TinyrtRuntimeMXBean {
    /** The runtime, until it is collected. */
    private final WeakReference<AsyncRuntime> runtime;

    /** Its name, kept for when it is gone. */
    private final String name;

    Registered(AsyncRuntime runtime) {
      this.runtime = new WeakReference<>(runtime);
      this.name = runtime.name();
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public int getLiveTasks() {
      AsyncRuntime rt = runtime.get();
      return rt == null ? 0 : rt.liveTasks();
    }

    @Override
    public boolean isShutdown() {
      AsyncRuntime rt = runtime.get();
      return rt == null || rt.isShutdown();
    }

    @Override
    public String dump() {
      AsyncRuntime rt = runtime.get();
      return rt == null
          ? "tinyrt runtime " + name + " was garbage-collected without being shut down\n"
          : TaskDump.text(rt);
    }
  }

  /**
   * Registers {@code runtime}'s MBean, if {@code -Dtinyrt.jmx=true}. Never throws.
   *
   * @param runtime a new runtime
   */
  static void register(AsyncRuntime runtime) {
    if (!Boolean.getBoolean(PROPERTY)) {
      return;
    }
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      forgetCollected(server);
      Registered bean = new Registered(runtime);
      for (int n = 1; ; n++) {
        String name = n == 1 ? runtime.name() : runtime.name() + "#" + n;
        ObjectName objectName = new ObjectName(DOMAIN_AND_TYPE + ",name=" + ObjectName.quote(name));
        if (!server.isRegistered(objectName)) {
          try {
            server.registerMBean(bean, objectName);
            NAMES.put(bean, objectName);
            return;
          } catch (javax.management.InstanceAlreadyExistsException raced) {
            // Another runtime of that name registered meanwhile: try the next suffix.
          }
        }
      }
    } catch (JMException | RuntimeException | LinkageError e) {
      System.getLogger("dev.tinyrt").log(System.Logger.Level.DEBUG,
          "tinyrt could not register runtime " + runtime.name() + " with JMX", e);
    }
  }

  /**
   * Unregisters {@code runtime}'s MBean, if it has one. Never throws.
   *
   * @param runtime a runtime that shut down
   */
  static void unregister(AsyncRuntime runtime) {
    if (NAMES.isEmpty()) {
      return;
    }
    for (Map.Entry<Registered, ObjectName> e : NAMES.entrySet()) {
      if (e.getKey().runtime.get() == runtime) {
        remove(ManagementFactory.getPlatformMBeanServer(), e.getKey(), e.getValue());
      }
    }
  }

  /**
   * @param runtime a runtime
   * @return the name its MBean is registered under, or null if none
   */
  static ObjectName nameOf(AsyncRuntime runtime) {
    for (Map.Entry<Registered, ObjectName> e : NAMES.entrySet()) {
      if (e.getKey().runtime.get() == runtime) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Unregisters the MBeans of runtimes collected without a shutdown. */
  private static void forgetCollected(MBeanServer server) {
    for (Map.Entry<Registered, ObjectName> e : NAMES.entrySet()) {
      if (e.getKey().runtime.get() == null) {
        remove(server, e.getKey(), e.getValue());
      }
    }
  }

  private static void remove(MBeanServer server, Registered bean, ObjectName name) {
    if (NAMES.remove(bean, name)) {
      try {
        server.unregisterMBean(name);
      } catch (JMException | RuntimeException e) {
        // Already gone (someone else unregistered it): nothing is left to do.
      }
    }
  }
}
