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
 * CI's fixed-seed batch of channel-heavy runtime programs: sends, locked receives and receives
 * that share the receiver with no lock (so several wait in the channel at once and it moves
 * between its lock-free slot and its locked queues), on bounded and unbounded {@code Mpsc}
 * channels, inside {@code select}, {@code race}, {@code joinAll} and {@code timeout}, with aborts
 * and shutdowns injected. {@code scripts/fuzz-channels} runs the same features for longer.
 */
@Timeout(300)
class RtFuzzChannelBatchTest {

  /** The channel-heavy feature set, shared with {@code scripts/fuzz-channels}. */
  static final Set<Feature> FEATURES = Feature.parse(
      "spawn,combinators,timeout,sleep,channel,shared_recv,throw,abort,self_abort,shutdown");

  @Test
  void oneHundredFiftyChannelProgramsBreakNoInvariantOnEitherRuntime() throws Exception {
    List<String> lines = new ArrayList<>();
    RtFuzzer.Report report =
        RtFuzzer.run(150, /* seed = */ 20261130, FEATURES, /* out = */ null, lines::add);
    assertEquals(List.of(), report.violations(), String.join("\n", lines));
    // The batch must exercise cancellation, not only programs that return.
    assertTrue(report.tally().cancelled.sum() > 25, report.tally().toString());
    assertTrue(report.tally().aborts.sum() > 25, report.tally().toString());
  }
}
