// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CI's fixed-seed batch of the primitives the first fuzzer left out, composed with the
 * combinators: oneshot receives abandoned by a {@code select} or {@code timeout} while their
 * sender sends, closes or is dropped; watch and broadcast channels closed while receives wait,
 * broadcast receivers that lag; handles awaited by several tasks and after an abort;
 * {@code spawnBlocking}; interval ticks; with aborts and shutdowns injected, lost wake-ups looked
 * for. Each program runs on the current-thread runtime and on one multi-threaded kind, the next
 * kind for the next program ({@link Runtimes#ROTATE}): every worker pool, I/O mode and worker
 * count is reached in the time of two runtimes per program. {@code scripts/fuzz-compositions
 * --runtimes rotate} runs the same for longer.
 */
@Timeout(300)
class RtFuzzCompositionBatchTest {

  /** The feature set, shared with {@code scripts/fuzz-compositions}. */
  static final Set<Feature> FEATURES = Feature.parse("spawn,combinators,timeout,sleep,oneshot,"
      + "watch,broadcast,shared_join,blocking,tick,throw,abort,self_abort,shutdown");

  @Test
  void oneHundredCompositionsBreakNoInvariantOnAnyRuntime() throws Exception {
    List<String> lines = new ArrayList<>();
    RtFuzzer.Report report = RtFuzzer.run(100, /* seed = */ 20261201, FEATURES, Runtimes.ROTATE,
        /* out = */ null, lines::add);
    assertEquals(List.of(), report.violations(), String.join("\n", lines));
    // The batch must exercise what it is for, not only programs that return.
    assertTrue(report.tally().cancelled.sum() > 25, report.tally().toString());
    assertTrue(report.tally().sharedJoins.sum() > 5, report.tally().toString());
    assertTrue(report.tally().blockingJobs.sum() > 5, report.tally().toString());
    assertTrue(report.tally().lostWakeChecks.sum() > 25, report.tally().toString());
  }
}
