// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.agent.RuntimeNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;

/**
 * The await-point table each frame class carries: a line per state, its {@code File.java:line},
 * awaited expression and the field of the awaited future; the tail's line when the method returns
 * from several lines, or from none.
 */
class AwaitPointTableTest {

  static final String SHOP = """
      package p;
      import static dev.tinyrt.Async.await;
      import dev.tinyrt.Future;
      class Shop {
        static Future<Long> price(Future<Long> reply, boolean cash) {
          long cents = await(reply);
          if (cash) {
            return Future.ready(cents);
          }
          return Future.ready(cents + 1);
        }
        static Future<Long> refuse(Future<Long> reply) {
          String why = "closed";
          await(reply);
          throw new IllegalStateException(why);
        }
      }
      """;

  @Test
  void eachStateHasItsLineAndTheTailItsReturnLines() {
    byte[] shop = InMemoryJavac.compile(Map.of("p/Shop.java", SHOP), List.of("--release", "17", "-g"))
        .get("p.Shop");
    Map<String, byte[]> frames = ClassRewriter.rewrite(shop, ClassRewriter.Options.DEFAULT).frames();
    assertEquals("Shop.price\nShop.java:6\t\t\nShop.java:6\treply\tL0\n"
        + "Shop.java\treturn ... (one of lines 8 to 10)\tL0", table(frames.get("p/Shop$price-Frame")));
    assertEquals("Shop.refuse\nShop.java:13\t\t\nShop.java:14\treply\tL1\n"
        + "Shop.java\treturn (none: the method only throws)\tL0",
        table(frames.get("p/Shop$refuse-Frame")));
  }

  static final String NEW = """
      package p;
      import static dev.tinyrt.Async.await;
      import dev.tinyrt.Future;
      import dev.tinyrt.Poll;
      class Made {
        static final class Forgetful implements Future<String> {
          public Poll<String> poll(dev.tinyrt.Context cx) {
            return Poll.pending();
          }
        }
        static Future<String> awaitsANewOne() {
          String s = await(new Forgetful());
          return Future.ready(s);
        }
      }
      """;

  @Test
  void anAwaitedConstructorReadsAsTheSourceWritesIt() {
    // The task dump showed 'await(<init>())' for 'await(new Forgetful())' (the stop's new-user
    // campaign).
    byte[] made = InMemoryJavac.compile(Map.of("p/Made.java", NEW), List.of("--release", "17", "-g"))
        .get("p.Made");
    Map<String, byte[]> frames = ClassRewriter.rewrite(made, ClassRewriter.Options.DEFAULT).frames();
    String table = table(frames.get("p/Made$awaitsANewOne-Frame"));
    assertEquals("Made.awaitsANewOne\nMade.java:12\t\t\nMade.java:12\tnew Forgetful()\tL0\n"
        + "Made.java:13\treturn ready(...)\tL0", table);
  }

  /** The frame class's table constant. */
  static String table(byte[] frame) {
    ClassNode node = new ClassNode();
    new ClassReader(frame).accept(node, 0);
    for (FieldNode f : node.fields) {
      if (f.name.equals(RuntimeNames.AWAIT_POINTS)) {
        return (String) f.value;
      }
    }
    throw new AssertionError(node.name + " has no " + RuntimeNames.AWAIT_POINTS);
  }
}
