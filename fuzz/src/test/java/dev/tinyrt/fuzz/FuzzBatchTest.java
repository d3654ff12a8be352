// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CI's fixed-seed batch: 200 random programs, each run rewritten (suspending for real, resuming
 * on other threads) and as a blocking reference, must print the same thing.
 */
@Timeout(900)
class FuzzBatchTest {

  @Test
  void twoHundredProgramsBehaveTheSameRewrittenAndBlocking() throws Exception {
    List<String> lines = new ArrayList<>();
    Fuzzer.Report report = Fuzzer.run(200, /* seed = */ 20261126, /* out = */ null, lines::add);
    assertEquals(List.of(), report.uncompilable(), "the generator must make valid Java");
    assertEquals(List.of(), report.divergences(), String.join("\n", lines));
  }
}
