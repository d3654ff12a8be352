// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.sync.Oneshot;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Reads the primitives' own waiter counters, which are package-private (they are for tests, not
 * users): how many futures a semaphore, notify, channel or task handle still keeps registered.
 * The fuzzer runs on the class path, so reflection reaches them.
 */
final class Registered {

  private Registered() {}

  /**
   * Calls the no-argument counter {@code method} of {@code primitive}, declared by its class or a
   * superclass.
   *
   * @param primitive e.g. a {@code Semaphore}
   * @param method e.g. {@code waiterCount}
   * @return what it returned
   * @throws IllegalStateException if the counter is gone (a renamed method): fix the name here
   */
  static int count(Object primitive, String method) {
    return ((Number) call(primitive, method)).intValue();
  }

  /** @return whether the channel still holds the waker of {@code receiver}'s receive */
  static boolean oneshotHoldsWaker(Oneshot.Receiver<?> receiver) {
    return (Boolean) call(receiver, "holdsWaker");
  }

  /** @return whether the channel still holds a value for {@code receiver} */
  static boolean oneshotHoldsValue(Oneshot.Receiver<?> receiver) {
    return (Boolean) call(receiver, "holdsValue");
  }

  /**
   * @param handle a task's handle (the task itself)
   * @return whether the task is neither scheduled, running nor woken while running: it waits for
   *     a wake, or has ended
   */
  static boolean taskIdle(Object handle) {
    int state = count(handle, "state");
    return (state & TASK_BUSY) == 0;
  }

  /** The task's state class, whose bit constants {@link #TASK_BUSY} is read from. */
  private static final String TASK_STATE = "dev.tinyrt.rt.TaskState";

  /**
   * The task state bits SCHEDULED, RUNNING and NOTIFIED, read from {@code TaskState}'s own
   * constants by name: a renamed or removed bit stops the fuzzer at once instead of letting it
   * test the wrong bits.
   */
  private static final int TASK_BUSY =
      taskBit("SCHEDULED") | taskBit("RUNNING") | taskBit("NOTIFIED");

  /**
   * @param name a bit constant of {@code dev.tinyrt.rt.TaskState}
   * @return its value, a single bit
   * @throws IllegalStateException if there is no such int constant, or it is not one bit
   */
  static int taskBit(String name) {
    try {
      Field f = Class.forName(TASK_STATE).getDeclaredField(name);
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) {
        throw new IllegalStateException(TASK_STATE + "." + name + " is not a static int: the "
            + "fuzzer's idle check reads the task's state bits; update Registered.TASK_BUSY");
      }
      f.setAccessible(true);
      int bit = f.getInt(null);
      if (Integer.bitCount(bit) != 1) {
        throw new IllegalStateException(TASK_STATE + "." + name + " = " + bit + " is not one bit: "
            + "the fuzzer's idle check masks the task's state with it; update "
            + "Registered.TASK_BUSY");
      }
      return bit;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(TASK_STATE + " has no bit " + name + ": the fuzzer's idle "
          + "check (neither scheduled, running nor notified) reads it by name; update "
          + "Registered.TASK_BUSY to the task's new state layout", e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + TASK_STATE + "." + name + ": " + e, e);
    }
  }

  private static Object call(Object target, String method) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Method m = c.getDeclaredMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
      } catch (NoSuchMethodException e) {
        // Declared higher up, maybe.
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c.getName() + "." + method + ": " + e, e);
      }
    }
    throw new IllegalStateException(target.getClass().getName() + " has no counter " + method
        + "(): the fuzzer reads the primitives' package-private counters; update its name in "
        + "Registered's callers");
  }
}
