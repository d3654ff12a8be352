// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The interpreter runs rewritten (real suspension, real unwinding) and its ledger sees what the
 * program did: driven by hand on a current-thread runtime with a manual clock.
 */
class InterpTest {

  private final ManualClock clock = new ManualClock();
  private final Timer timer = Timer.manual(clock);
  private final AsyncRuntime rt = AsyncRuntime.builder().currentThread().timer(timer).build();
  private final Env env = new Env();

  private JoinHandle<Long> spawn(String program) {
    Node root = ProgramParser.parse(program);
    int task = env.newTask(root);
    JoinHandle<Long> handle = rt.spawn(RewritingLoader.interpreter().task(root, env, task));
    env.spawned(task, handle);
    return handle;
  }

  @Test
  void theInterpreterIsDefinedRewrittenByItsOwnLoader() {
    Class<?> rewritten = RewritingLoader.interpreter().getClass();
    assertEquals(Interp.class.getName(), rewritten.getName());
    assertNotSame(Interp.class, rewritten, "the parent's Interp is not rewritten; the fuzzer "
        + "must run the one RewritingLoader defines");
  }

  @Test
  void aProgramThatEndsOnItsOwnRunsEachFinallyOnceAndReturnsEverything() {
    JoinHandle<Long> handle = spawn("(seq (lock m0 (yield)) (acquire s0 2 (sleep 5))"
        + " (join-all 1 (send c0) (recv c0)) (catch (throw-checked)))");
    rt.blockOn(new Yields(50));
    assertEquals(1, timer.pending(), "the program waits on its sleep");
    clock.advance(Duration.ofMillis(5));
    // lock 1 + acquire 2 + join-all (1 + value 1000 sent + 1000 received) + catch -3
    assertEquals(1 + 2 + 2001 - 3, rt.blockOn(handle));
    rt.shutdown(Duration.ZERO);
    assertEquals(11, env.instances(), "every node of the program ran once");
    assertEquals(List.of(), env.check(timer));
  }

  @Test
  void aCancelledTaskStillAwaitsItsNonCancellableCleanUpToTheEnd() {
    JoinHandle<Long> handle = spawn("(cleanup (wait n0) (seq (yield) (notify-one n1)))");
    rt.blockOn(new Yields(10));
    handle.abort();
    assertEquals(-1L, rt.blockOn(env.joinQuietly(handle)));
    rt.shutdown(Duration.ZERO);
    assertTrue(handle.isCancelled());
    assertEquals(5, env.instances(), "the clean-up's yield and notify ran after the abort");
    assertEquals(List.of(), env.check(timer));
    assertTrue(env.notifier(1).notified().poll(dev.tinyrt.Context.from(dev.tinyrt.Waker.noop()))
        .isReady(), "the clean-up's notify-one left its permit");
  }

  @Test
  void aTaskWhoseWakerAPrimitiveKeepsIsReportedOnceItsRuntimeIsGone() {
    JoinHandle<Long> leaky = spawn("(wait n0)");
    JoinHandle<Long> clean = spawn("(wait n1)");
    rt.blockOn(new Yields(10));
    leaky.abort();
    clean.abort();
    rt.shutdown(Duration.ZERO);
    // Plant the leak a dropped future must not leave: the task's waker (the task is its own
    // context) in notify n0's queue, as a waiter that is never dropped.
    env.notifier(0).notified().poll((dev.tinyrt.Context) leaky);
    leaky = null;
    clean = null;
    List<Env.Held> tasks = env.forgetHandles();
    System.gc();
    assertEquals(List.of("waker: task 0 (wait n0) is still reachable after it ended: a primitive "
        + "kept its waker"), Driver.stillHeld(tasks));
  }

  @Test
  void anAbortUnwindsTheTaskAndGivesTheLockBack() {
    JoinHandle<Long> handle = spawn("(lock m0 (acquire s1 1 (wait n0)))");
    rt.blockOn(new Yields(10));
    assertEquals(null, env.mutex(0).tryLock(), "the task holds the lock while it waits");
    handle.abort();
    assertEquals(-1L, rt.blockOn(env.joinQuietly(handle)));
    rt.shutdown(Duration.ZERO);
    assertTrue(handle.isCancelled());
    assertEquals(3, env.instances());
    assertEquals(List.of(), env.check(timer));
  }
}
