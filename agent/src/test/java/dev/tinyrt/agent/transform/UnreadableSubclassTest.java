// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.agent.filter.ClassHierarchy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An EA-style method whose {@code CompletableFuture} subclass cannot be read to the end (a class
 * file cut after its header, which tells the superclass but not the constructors) or not at all:
 * the method is refused with a message that names the class, the method's {@code File.java:line}
 * and what to do, and the rest of the class is rewritten.
 */
class UnreadableSubclassTest {

  static final String SHOP = """
      package ea;
      import static dev.tinyrt.Async.await;
      import java.util.concurrent.CompletableFuture;
      public class Shop {
        static Receipt<Long> total(CompletableFuture<Long> price) {
          long p = await(price); // AWAIT
          Receipt<Long> r = new Receipt<>();
          r.complete(p);
          return r;
        }
        static CompletableFuture<Long> plain(CompletableFuture<Long> price) {
          return CompletableFuture.completedFuture(await(price));
        }
      }
      """;

  static final String RECEIPT = """
      package ea;
      public class Receipt<T> extends java.util.concurrent.CompletableFuture<T> {}
      """;

  /** The classes compiled from source, by internal name. */
  static final Map<String, byte[]> CLASSES = byInternalName(InMemoryJavac.compile(
      Map.of("ea/Shop.java", SHOP, "ea/Receipt.java", RECEIPT), List.of("--release", "17", "-g")));

  private static Map<String, byte[]> byInternalName(Map<String, byte[]> byBinaryName) {
    Map<String, byte[]> classes = new HashMap<>();
    byBinaryName.forEach((name, bytes) -> classes.put(name.replace('.', '/'), bytes));
    return classes;
  }

  /** The line of the await in {@link #SHOP}. */
  static final int LINE = 6;

  @Test
  void aSubclassCutAfterItsHeaderIsNamedWithTheMethodsLineAndTheFix() {
    byte[] receipt = CLASSES.get("ea/Receipt");
    assertNotNull(receipt, CLASSES.keySet().toString());
    assertEquals("ea/Receipt", new org.objectweb.asm.ClassReader(receipt).getClassName());
    // The constant pool, access, name and superclass are whole; the members are cut off.
    byte[] cut = Arrays.copyOf(receipt, new org.objectweb.asm.ClassReader(receipt).header + 8);
    Map<String, byte[]> files = new HashMap<>(CLASSES);
    files.put("ea/Receipt", cut);
    ClassHierarchy hierarchy = new ClassHierarchy(files::get, "the test's map");
    assertEquals(ClassHierarchy.Answer.YES, hierarchy.isCompletableFuture("ea/Receipt"));

    ClassRewriter.Outcome outcome =
        ClassRewriter.rewrite(CLASSES.get("ea/Shop"), ClassRewriter.Options.DEFAULT, hierarchy);

    assertEquals(1, outcome.refusals().size(), outcome.refusals().toString());
    String refusal = outcome.refusals().get(0);
    assertTrue(refusal.startsWith("tinyrt cannot rewrite ea.Shop.total (Shop.java:" + LINE + ")"),
        refusal);
    assertTrue(refusal.contains("it returns ea.Receipt, a subclass of CompletableFuture"), refusal);
    assertTrue(refusal.contains("its class file, read from the test's map, is malformed"), refusal);
    assertTrue(refusal.contains("Make Receipt.class readable there"), refusal);
    assertTrue(refusal.contains("or declare the method to return CompletableFuture<T>"), refusal);
    assertEquals(1, outcome.rewritten().size(), "the other method is rewritten: " + outcome);
  }

  @Test
  void aSubclassWhoseConstructorsCannotBeFoundSaysWhereItLooked() {
    // The superclass read once, then the file gone: the constructor lookup finds nothing.
    Map<String, byte[]> files = new HashMap<>(CLASSES);
    ClassHierarchy hierarchy = new ClassHierarchy(files::get, "the test's map");
    assertEquals(ClassHierarchy.Answer.YES, hierarchy.isCompletableFuture("ea/Receipt"));
    files.remove("ea/Receipt");

    ClassHierarchy.Construction construction = hierarchy.noArgumentConstructor("ea/Receipt");

    assertEquals("its class file is not found in the test's map", construction.unreadable());
  }
}
