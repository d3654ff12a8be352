// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;

/**
 * How many scenarios the Lincheck model checks and seeds the random-composition tests run. Each
 * test names CI's batch, small enough for seconds yet still failing on the bug it was written
 * for; {@code scripts/deep-check} runs the same tests with {@code -Dtinyrt.deepCheck.scale=N},
 * which multiplies every batch by {@code N}. Nothing else changes with the scale: the same
 * scenario shapes, the same checks.
 */
public final class DeepCheck {

  /** The system property {@code scripts/deep-check} sets: how many times CI's batch to run. */
  public static final String SCALE_PROPERTY = "tinyrt.deepCheck.scale";

  /** The factor every batch is multiplied by: 1 unless {@link #SCALE_PROPERTY} says otherwise. */
  public static final int SCALE = readScale();

  private DeepCheck() {}

  /** @return {@code ciBatch} times {@link #SCALE}: scenarios, seeds or programs to run */
  public static int scaled(int ciBatch) {
    return Math.multiplyExact(ciBatch, SCALE);
  }

  /**
   * Lincheck's model checking with CI's {@code iterations} (random scenarios) times the scale,
   * each explored in up to {@code invocationsPerIteration} interleavings (not scaled: a small
   * scenario runs out of new interleavings first). The caller adds the scenario's shape: threads,
   * actors per thread, actors before and after.
   */
  public static ModelCheckingOptions modelChecking(int iterations, int invocationsPerIteration) {
    bindLoggingOutsideTheModelChecker();
    return new ModelCheckingOptions()
        .iterations(scaled(iterations))
        .invocationsPerIteration(invocationsPerIteration);
  }

  /**
   * Makes {@code System.getLogger("dev.tinyrt")} find its backend (java.util.logging) here, before
   * any scenario runs. The runtime logs through it (a refused wake, a throwing waker). When the
   * JVM's first such call was made inside Lincheck's model checker ({@code
   * WorkStealingWakeRacingStopModelCheckTest}'s give-ups log), every later test of that JVM that
   * reads what the runtime logged, through a handler on {@code
   * java.util.logging.Logger.getLogger("dev.tinyrt")}, saw nothing ({@code ThrowingDropTest} and
   * {@code TimerSurvivesThrowingWakersTest} failed when they ran after it, 5 of 5 and 2 of 2, and
   * passed before it); with this call first they pass in either order.
   */
  private static void bindLoggingOutsideTheModelChecker() {
    System.getLogger("dev.tinyrt").isLoggable(System.Logger.Level.DEBUG);
  }

  private static int readScale() {
    String value = System.getProperty(SCALE_PROPERTY, "1");
    try {
      int scale = Integer.parseInt(value.trim());
      if (scale >= 1) {
        return scale;
      }
    } catch (NumberFormatException e) {
      // Reported below with what to write instead.
    }
    throw new IllegalArgumentException("-D" + SCALE_PROPERTY + "=" + value
        + ": give a whole number of at least 1, how many times CI's batch to run (1 is CI's)");
  }
}
