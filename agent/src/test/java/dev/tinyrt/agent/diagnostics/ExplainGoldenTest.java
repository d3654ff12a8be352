// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's {@code cartTotal}, explained: it must read like the chapter's enum, {@code Start {
 * socks, shoes }}, {@code GotSocks { socksPrice, shoes }}, {@code Done}. The whole text and
 * diagram are pinned in {@code src/test/resources/explain}; {@code -Dgolden.update=true} rewrites
 * them after a deliberate change.
 */
class ExplainGoldenTest {

  /** The demo's source, compiled here so the test needs no demo build. */
  private static final Path CART_ASYNC =
      Path.of("../demo/src/main/java/dev/tinyrt/demo/CartAsync.java");

  /** Where the expected outputs are. */
  private static final Path GOLDEN = Path.of("src/test/resources/explain");

  @TempDir Path temp;

  @Test
  void cartTotalReadsLikeTheChaptersEnum() throws IOException {
    List<MethodExplanation> explained = explainCart();

    assertGolden("CartAsync.txt", ExplainText.render(explained));
    MethodExplanation cart = explained.get(0);
    assertEquals(List.of("Start", "GotSocks", "Done"),
        cart.states().stream().map(MethodExplanation.State::name).toList());
    assertEquals(List.of("socks", "shoes"), cart.states().get(0).names());
    assertEquals(List.of("socksPrice", "shoes"), cart.states().get(1).names());
  }

  @Test
  void cartTotalAsAMermaidStateDiagram() throws IOException {
    assertGolden("CartAsync.mmd", ExplainMermaid.render(explainCart()));
  }

  private List<MethodExplanation> explainCart() throws IOException {
    Path classes = Javac.compileFiles(temp.resolve("classes"), "-g", List.of(CART_ASYNC));
    byte[] classFile = Files.readAllBytes(classes.resolve("dev/tinyrt/demo/CartAsync.class"));
    return Explainer.explain(classFile, "cartTotal");
  }

  private static void assertGolden(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual);
    }
    assertEquals(Files.readString(file), actual, "explain output changed: " + file);
  }
}
