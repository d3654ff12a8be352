// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code explain} says beyond the cart: memory kept, no debug information, loops, refusals. */
class ExplainTest {

  /** The chapter's memory lesson, and a loop. */
  private static final String UPLOAD = """
      package shop;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Future;
      import java.util.List;

      public class Upload {
        static Future<Integer> example(Future<Void> ready) {
          byte[] buffer = new byte[1024];
          await(ready); // parks holding buffer
          return Future.ready(buffer.length);
        }

        static Future<Integer> better(Future<Void> ready) {
          int length = new byte[1024].length;
          await(ready); // parks holding an int
          return Future.ready(length);
        }

        static Future<Long> sum(List<Future<Long>> prices) {
          long total = 0;
          for (Future<Long> p : prices) {
            total += await(p);
          }
          return Future.ready(total);
        }

        static synchronized Future<Long> refused(Future<Long> price) {
          return Future.ready(await(price));
        }
      }
      """;

  @TempDir static Path temp;

  /** The fixture's class file by javac debug option, compiled once for all tests. */
  private static final Map<String, byte[]> COMPILED = new HashMap<>();

  @Test
  void aStoredArrayIsFlaggedAsMemoryKeptWhileParked() throws IOException {
    String text = ExplainText.render(Explainer.explain(upload("-g"), "example"));
    assertTrue(text.contains("  Start { ready }\n    state 0, not polled yet\n"), text);
    assertTrue(text.contains(
        "    ! keeps `buffer` (byte[]) alive while parked at Upload.java:11; if only part of it "
            + "is needed after the await (a length, a sum), keep just that\n"), text);

    String better = ExplainText.render(Explainer.explain(upload("-g"), "better"));
    assertTrue(better.contains("keeps ready: Future (4 B, awaited), length: int (4 B): 8 bytes"),
        better);
    assertTrue(!better.contains("!"), better);
  }

  @Test
  void withoutDebugInformationLocalsAreNamedBySlot() throws IOException {
    MethodExplanation example = Explainer.explain(upload("-g:none"), "example").get(0);
    MethodExplanation.State parked = example.states().get(1);
    assertEquals(List.of("slot 1", "slot 0"), parked.names());
    assertEquals("Unknown Source", parked.parkedAt(), "no source file, no line numbers");
  }

  @Test
  void aLoopAwaitsAgainFromItsOwnState() throws IOException {
    MethodExplanation sum = Explainer.explain(upload("-g"), "sum").get(0);
    assertEquals(
        List.of(new MethodExplanation.Transition("Start", "AwaitingP", "first poll"),
            new MethodExplanation.Transition("Start", "Done", "first poll"),
            new MethodExplanation.Transition("AwaitingP", "AwaitingP", "p ready"),
            new MethodExplanation.Transition("AwaitingP", "Done", "p ready")),
        sum.transitions());
    assertEquals(List.of("Start", "AwaitingP", "Done"),
        sum.states().stream().map(MethodExplanation.State::name).toList());
  }

  @Test
  void aRefusedMethodSaysWhy() throws IOException {
    String text = ExplainText.render(Explainer.explain(upload("-g"), "refused"));
    // Its first line is that of its first statement, as in a stack trace.
    assertTrue(text.startsWith("shop.Upload.refused (Upload.java:30): not rewritten\n  tinyrt "
        + "cannot rewrite shop.Upload.refused (Upload.java:30): the method is synchronized"), text);
  }

  @Test
  void frameSizesFollowTheEstimatedLayout() {
    assertEquals(16, FrameSize.align(12 + 4));
    assertEquals(24, FrameSize.align(12 + 4 + 4 + 4));
    assertEquals(8, FrameSize.fieldBytes("J"));
    assertEquals(4, FrameSize.fieldBytes("Ljava/lang/Object;"));
  }

  private static synchronized byte[] upload(String debug) throws IOException {
    byte[] compiled = COMPILED.get(debug);
    if (compiled == null) {
      Path classes = Javac.compile(
          temp.resolve("classes" + COMPILED.size()), debug, Map.of("shop/Upload.java", UPLOAD));
      compiled = Files.readAllBytes(classes.resolve("shop/Upload.class"));
      COMPILED.put(debug, compiled);
    }
    return compiled;
  }
}
