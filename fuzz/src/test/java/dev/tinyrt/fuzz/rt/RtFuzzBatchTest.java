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
 * CI's fixed-seed batch of the cancellation fuzzer: 300 random programs, each on the
 * current-thread and the multi-threaded runtime with aborts and shutdowns injected, break no
 * invariant.
 *
 * <p>The features of the first fuzzer, named so that the later ones (oneshot, watch, broadcast,
 * shared joins, blocking jobs: {@link RtFuzzCompositionBatchTest}) leave these programs as they
 * were. The generator flag {@code --features} (and {@link #FEATURES}) can leave out one the runtime
 * breaks, with its reduced reproducer in the commit that does so, until fixed.
 */
@Timeout(300)
class RtFuzzBatchTest {

  /** What the batch's programs and driver use: every feature of the first fuzzer. */
  static final Set<Feature> FEATURES = Feature.parse("spawn,combinators,timeout,sleep,mutex,"
      + "semaphore,channel,shared_recv,notify,throw,checked,non_cancellable,abort,self_abort,"
      + "shutdown");

  @Test
  void threeHundredProgramsBreakNoInvariantOnEitherRuntime() throws Exception {
    List<String> lines = new ArrayList<>();
    RtFuzzer.Report report =
        RtFuzzer.run(300, /* seed = */ 20261130, FEATURES, /* out = */ null, lines::add);
    assertEquals(List.of(), report.violations(), String.join("\n", lines));
    // The batch must exercise cancellation, not only programs that return.
    assertTrue(report.tally().cancelled.sum() > 50, report.tally().toString());
    assertTrue(report.tally().aborts.sum() > 50, report.tally().toString());
  }
}
