// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.LincheckAssertionError;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

/**
 * What every model check here relies on: Lincheck's model checker may switch threads between two
 * adjacent {@link VarHandle} accesses, as the runtime's state words are read and written only
 * through VarHandles. A read then a write of a counter (a lost update when another increment runs
 * between them) must fail; the same increment as a compare-and-set loop must pass. If a Lincheck
 * upgrade stops switching there, the first test fails, and the model checks would pass races.
 */
class LincheckSwitchesAtVarHandlesTest {

  /** A counter read and written through a VarHandle only. */
  public abstract static class Counter {
    static final VarHandle COUNT;

    static {
      try {
        COUNT = MethodHandles.lookup().findVarHandle(Counter.class, "count", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The count, accessed through {@link #COUNT}. */
    volatile int count;
  }

  /**
   * The planted race: a volatile read, then a volatile write of what it read plus one; returns the
   * new count, so two increments that both return 1 match no sequential run.
   */
  public static class ReadThenWrite extends Counter {
    @Operation
    public int increment() {
      int seen = (int) COUNT.getVolatile(this);
      COUNT.setVolatile(this, seen + 1);
      return seen + 1;
    }
  }

  /** The same increment done right: the write happens only if nobody wrote in between. */
  public static class CompareAndSetLoop extends Counter {
    @Operation
    public int increment() {
      int seen = (int) COUNT.getVolatile(this);
      while (!COUNT.compareAndSet(this, seen, seen + 1)) {
        seen = (int) COUNT.getVolatile(this);
      }
      return seen + 1;
    }
  }

  /** Every scenario is two increments on each of two threads: increment is the only operation. */
  private static ModelCheckingOptions twoIncrementsRacing() {
    return new ModelCheckingOptions()
        .iterations(2)
        .invocationsPerIteration(100)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0);
  }

  @Test
  void aSwitchBetweenAVarHandleReadAndWriteIsExplored() {
    assertThrows(LincheckAssertionError.class,
        () -> LinChecker.check(ReadThenWrite.class, twoIncrementsRacing()),
        "Lincheck found no lost update between a VarHandle read and write: the model checks "
            + "cannot see races between VarHandle accesses with this Lincheck version");
  }

  @Test
  void theCompareAndSetIncrementPasses() {
    LinChecker.check(CompareAndSetLoop.class, twoIncrementsRacing());
  }
}
