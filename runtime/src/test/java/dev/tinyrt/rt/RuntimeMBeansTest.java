// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each runtime's MBean: a task dump from outside, through the platform MBean server. */
class RuntimeMBeansTest {

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @BeforeEach
  void turnOn() {
    System.setProperty(RuntimeMBeans.PROPERTY, "true"); // read as each runtime is built
  }

  @AfterEach
  void turnOff() {
    System.clearProperty(RuntimeMBeans.PROPERTY);
  }

  @Test
  void offByDefaultARuntimeIsNotRegistered() {
    System.clearProperty(RuntimeMBeans.PROPERTY);
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("unseen").build()) {
      assertEquals(null, RuntimeMBeans.nameOf(rt));
    }
  }

  @Test
  void theDumpOperationOfARuntimesMBeanShowsWhereItsTasksAreParked() throws Exception {
    TestFutures.Gate<Long> reply = new TestFutures.Gate<>();
    ObjectName name = new ObjectName("dev.tinyrt:type=Runtime,name=\"mbean-test\"");
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("mbean-test").build()) {
      assertTrue(server.isRegistered(name), "registered while it runs");
      assertEquals(name, RuntimeMBeans.nameOf(rt));
      JoinHandle<Long> task = rt.spawn(new FakeFrames.Checkout(new FakeFrames.Price(reply)));
      rt.blockOn(TestFutures.readyAfter(1, null));

      assertEquals("mbean-test", server.getAttribute(name, "Name"));
      assertEquals(1, server.getAttribute(name, "LiveTasks"));
      assertEquals(false, server.getAttribute(name, "Shutdown"));
      String dump = (String) server.invoke(name, "dump", null, null);
      assertEquals(TaskDump.text(rt), dump);
      assertTrue(dump.contains("  " + task + " parked: Shop.checkout frame, state 1\n"
          + "    at Shop.price (Shop.java:31), await(reply)\n"
          + "    at Shop.checkout (Shop.java:22), await(price(...))\n"), dump);
      rt.shutdown(Duration.ZERO);
      assertFalse(server.isRegistered(name), "unregistered by its shutdown");
    }
  }

  @Test
  void runtimesOfTheSameNameAreNumbered() throws Exception {
    try (AsyncRuntime a = AsyncRuntime.builder().currentThread().name("twin").build();
        AsyncRuntime b = AsyncRuntime.builder().currentThread().name("twin").build()) {
      assertEquals(new ObjectName("dev.tinyrt:type=Runtime,name=\"twin\""), RuntimeMBeans.nameOf(a));
      assertEquals(new ObjectName("dev.tinyrt:type=Runtime,name=\"twin#2\""), RuntimeMBeans.nameOf(b));
      assertEquals("twin", server.getAttribute(RuntimeMBeans.nameOf(b), "Name"));
    }
  }
}
