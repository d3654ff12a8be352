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
    return new ModelCheckingOptions()
        .iterations(scaled(iterations))
        .invocationsPerIteration(invocationsPerIteration);
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
