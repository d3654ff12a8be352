// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 *
 * <p>Lincheck 2.39 does not switch threads before {@code getAndBitwiseOr}, {@code
 * getAndBitwiseAnd} or {@code getAndBitwiseXor} (it does before {@code getAndAdd}, {@code
 * getAndSet} and the compare-and-sets): a race that needs the other thread to run just before one
 * of them is never explored. The JDK runs those calls as a weak compare-and-set loop anyway, so the
 * runtime writes that loop out instead, and a test here keeps {@code getAndBitwise} out of its
 * sources. Another pins the blind spot itself, so an upgrade that removes it is noticed.
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

  /**
   * A planted check-then-act race: both threads may read the flag clear before either sets it,
   * so two claims that both return true match no sequential run. Which atomic sets the flag is
   * the only difference between the two subclasses.
   */
  public abstract static class Flag {
    static final VarHandle BITS;

    static {
      try {
        BITS = MethodHandles.lookup().findVarHandle(Flag.class, "bits", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The flag word, accessed through {@link #BITS}. */
    volatile int bits;

    @Operation
    public boolean claim() {
      int seen = (int) BITS.getVolatile(this);
      if ((seen & 1) != 0) {
        return false;
      }
      set();
      return true;
    }

    abstract void set();
  }

  /** Sets the flag with {@code getAndBitwiseOr}, where Lincheck 2.39 does not switch. */
  public static class SetByBitwiseOr extends Flag {
    @Override
    void set() {
      BITS.getAndBitwiseOr(this, 1);
    }
  }

  /** Sets the flag with the weak compare-and-set loop the runtime writes out instead. */
  public static class SetByWeakCasLoop extends Flag {
    @Override
    void set() {
      int s;
      do {
        s = (int) BITS.getVolatile(this);
      } while (!BITS.weakCompareAndSet(this, s, s | 1));
    }
  }

  /**
   * The same planted race on a {@code byte} word set by {@code compareAndExchange}, as the task's
   * state is: Lincheck must switch between the read and the exchange there too.
   */
  public static class ByteFlag {
    static final VarHandle BITS;

    static {
      try {
        BITS = MethodHandles.lookup().findVarHandle(ByteFlag.class, "bits", byte.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The flag word, accessed through {@link #BITS}. */
    volatile byte bits;

    @Operation
    public boolean claim() {
      byte seen = (byte) BITS.getVolatile(this);
      if ((seen & 1) != 0) {
        return false;
      }
      BITS.compareAndExchange(this, seen, (byte) (seen | 1));
      return true;
    }
  }

  /** Every scenario is one claim on each of two threads. */
  private static ModelCheckingOptions twoClaimsRacing() {
    return new ModelCheckingOptions()
        .iterations(2)
        .invocationsPerIteration(100)
        .threads(2)
        .actorsPerThread(1)
        .actorsBefore(0)
        .actorsAfter(0);
  }

  @Test
  void aRaceJustBeforeAGetAndBitwiseOrIsNotExplored() {
    // The blind spot pinned: if this fails, Lincheck now switches there, and the written-out
    // loops in the runtime may go back to getAndBitwiseOr/And (drop the source check below too).
    LinChecker.check(SetByBitwiseOr.class, twoClaimsRacing());
  }

  @Test
  void theSameRaceBeforeTheWrittenOutLoopIsFound() {
    assertThrows(LincheckAssertionError.class,
        () -> LinChecker.check(SetByWeakCasLoop.class, twoClaimsRacing()),
        "Lincheck found no race before a weak compare-and-set loop");
  }

  /** A call of any {@code getAndBitwise*} access mode (not a mention in a comment). */
  private static final Pattern CALL = Pattern.compile("\\.getAndBitwise\\w+\\(");

  @Test
  void aRaceBeforeAByteCompareAndExchangeIsFound() {
    assertThrows(LincheckAssertionError.class,
        () -> LinChecker.check(ByteFlag.class, twoClaimsRacing()),
        "Lincheck found no race before a byte compareAndExchange: the task's state word is a byte");
  }

  @Test
  void theRuntimeUsesNoGetAndBitwise() throws IOException {
    Path sources = Path.of("src/main/java");
    List<String> found;
    try (Stream<Path> files = Files.walk(sources)) {
      found = files
          .filter(f -> f.toString().endsWith(".java"))
          .flatMap(f -> {
            try {
              return Files.readAllLines(f).stream()
                  .filter(line -> CALL.matcher(line).find())
                  .map(line -> sources.relativize(f) + ": " + line.trim());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })
          .collect(Collectors.toList());
    }
    assertEquals(List.of(), found,
        "write a weak compare-and-set loop instead: Lincheck's model checks do not switch threads "
            + "before a getAndBitwise* call");
  }
}
