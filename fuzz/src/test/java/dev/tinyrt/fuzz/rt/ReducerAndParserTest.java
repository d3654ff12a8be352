// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Saved reproducers read back as the same program; the reducer shrinks to what fails. */
class ReducerAndParserTest {

  @Test
  void everyGeneratedProgramReadsBackTheSame() {
    for (long seed = 0; seed < 300; seed++) {
      Node program = new RtGenerator(seed, EnumSet.allOf(Feature.class)).generate();
      assertEquals(program, ProgramParser.parse(program.render()), program.render());
    }
  }

  @Test
  void theReducerKeepsOnlyWhatTheFailureNeeds() {
    Node program = ProgramParser.parse("(seq (lock m0 (join-all (yield) (sleep 4)"
        + " (catch (race (wait n1) (throw-checked))))) (spawn-abort (send c1)) 5)");
    Node reduced = new TreeReducer(
        candidate -> candidate.render().contains("(race (wait n1)"), 500).reduce(program);
    assertEquals("(race (wait n1))", reduced.render());
  }
}
