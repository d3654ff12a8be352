// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

/**
 * The parked cart frame stays as small as the hand-written one: its fields are pinned (a new
 * field must change this test on purpose), its JOL size is at most that of a class with the
 * hand-written {@code HandCart}'s fields, and the awaited future sits in a reference slot that the
 * state does not otherwise use, nulled once its await is over. The JOL layouts of the frame and of
 * the runtime's {@code Task} are printed for the record.
 */
class CartFrameLayoutTest {

  static {
    // JOL reads layouts with Unsafe; its attempts to attach an agent to this JVM take seconds
    // and add nothing to a class layout.
    System.setProperty("jol.skipDynamicAttach", "true");
    System.setProperty("jol.skipHotspotSAAttach", "true");
  }

  /** The fields of the hand-written frame ({@code bench/.../HandCart}): state, two futures, a long. */
  @SuppressWarnings("unused")
  static final class HandCartShape {
    /** The state. */
    int state;
    /** The socks lookup. */
    Object socks;
    /** The shoes lookup. */
    Object shoes;
    /** The socks price. */
    long socksPrice;
  }

  @Test
  void theParkedCartFrameHasTheHandWrittenShapeAndHoldsOnlyWhatItAwaitsOrNeeds() throws Exception {
    Class<?> cart = rewrittenCart();
    Method cartTotal = cart.getDeclaredMethod("cartTotal", Future.class, Future.class);
    cartTotal.setAccessible(true);
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    Context cx = Context.from(Waker.noop());
    Future<?> frame = (Future<?>) cartTotal.invoke(null, socks.receiver(), shoes.receiver());
    assertTrue(frame.poll(cx).isPending());
    System.out.println("The cart frame parked at await 1, and the runtime's task:\n"
        + ClassLayout.parseClass(frame.getClass()).toPrintable()
        + ClassLayout.parseClass(Class.forName("dev.tinyrt.rt.Task")).toPrintable());

    // Shape: the state, the socks price, and two reference slots shared by every state.
    assertEquals("golden.Cart$cartTotal-Frame", frame.getClass().getName());
    assertEquals(List.of("int state", "long J0", "Object L0", "Object L1"), fields(frame.getClass()));
    long frameSize = ClassLayout.parseInstance(frame).instanceSize();
    long handSize = ClassLayout.parseClass(HandCartShape.class).instanceSize();
    assertTrue(frameSize <= handSize, "frame " + frameSize + " B, hand-written " + handSize + " B");

    // Parked at await 1: shoes kept (L0), socks awaited (L1).
    assertSame(shoes.receiver(), field(frame, "L0"));
    assertSame(socks.receiver(), field(frame, "L1"));

    // Parked at await 2: socksPrice (J0), shoes awaited (L0), socks let go (L1).
    socks.sender().send(12L);
    assertTrue(frame.poll(cx).isPending());
    assertEquals(12L, field(frame, "J0"));
    assertSame(shoes.receiver(), field(frame, "L0"));
    assertNull(field(frame, "L1"));

    // Done: nothing held.
    shoes.sender().send(89L);
    assertEquals("Ready(101)", frame.poll(cx).toString());
    assertNull(field(frame, "L0"));
    assertNull(field(frame, "L1"));
  }

  /** Loads {@code golden.Cart} rewritten, checked by {@code CheckClassAdapter}. */
  static Class<?> rewrittenCart() throws Exception {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(GoldenRewriteTest.GOLDEN.resolve("classes/golden"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        classes.put("golden." + f.getFileName().toString().replace(".class", ""), Files.readAllBytes(f));
      }
    }
    return new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT).loadClass("golden.Cart");
  }

  /** The instance fields of {@code type}, as {@code "type name"}, in declaration order. */
  static List<String> fields(Class<?> type) {
    List<String> out = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        out.add(f.getType().getSimpleName() + " " + f.getName());
      }
    }
    return out;
  }

  static Object field(Object frame, String name) throws ReflectiveOperationException {
    Field f = frame.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(frame);
  }
}
