// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

/**
 * The runtime's {@code Task} stays at 32 bytes, so that a parked cart (task + 32-byte frame) holds
 * at most 64 (issue 11). It lives here because this module has JOL on its test class path; the
 * runtime module depends on nothing.
 */
class TaskLayoutTest {

  static {
    // JOL reads layouts with Unsafe; attaching an agent to this JVM takes seconds and adds nothing.
    System.setProperty("jol.skipDynamicAttach", "true");
    System.setProperty("jol.skipHotspotSAAttach", "true");
  }

  /** The most a task may take: 12 bytes of header, 20 of fields. */
  private static final long MAX_TASK_BYTES = 32;

  @Test
  void aTaskTakesAtMost32Bytes() throws Exception {
    ClassLayout layout = ClassLayout.parseClass(Class.forName("dev.tinyrt.rt.Task"));
    System.out.println(layout.toPrintable());
    assertTrue(layout.instanceSize() <= MAX_TASK_BYTES,
        "dev.tinyrt.rt.Task grew to " + layout.instanceSize() + " bytes, past the "
            + MAX_TASK_BYTES + " that keep a parked cart within 64: fold the new field into an "
            + "existing one, or keep it outside the task\n" + layout.toPrintable());
  }
}
