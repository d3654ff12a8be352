// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

class AsyncFilterTest {

  static byte[] classFileOf(Class<?> type) throws IOException {
    String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = type.getResourceAsStream(file)) {
      return in.readAllBytes();
    }
  }

  /** A class whose only mention of the name is a string constant. */
  static byte[] classWithConstant(String constant, long longConstant) {
    ClassWriter cw = new ClassWriter(0);
    cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/C", null, "java/lang/Object", null);
    cw.newConst(longConstant); // a two-entry constant before it
    cw.newConst(constant);
    cw.visitEnd();
    return cw.toByteArray();
  }

  @Test
  void findsTheNameInAClassThatCallsAwait() throws IOException {
    assertTrue(AsyncFilter.mentionsAsync(classFileOf(Fixture.class)));
  }

  @Test
  void ignoresClassesThatDoNot() throws IOException {
    assertFalse(AsyncFilter.mentionsAsync(classFileOf(java.util.ArrayList.class)));
    assertFalse(AsyncFilter.mentionsAsync(classFileOf(String.class)));
    assertFalse(AsyncFilter.mentionsAsync(classWithConstant("dev/tinyrt/Future", 3L)));
  }

  @Test
  void matchesTheExactNameOnlyAfterLongConstants() {
    assertTrue(AsyncFilter.mentionsAsync(classWithConstant("dev/tinyrt/Async", 1L << 40)));
    assertFalse(AsyncFilter.mentionsAsync(classWithConstant("dev/tinyrt/Asyncs", 1L << 40)));
    assertFalse(AsyncFilter.mentionsAsync(classWithConstant("dev/tinyrt/Asyn", 1L << 40)));
  }

  @Test
  void malformedInputIsRejectedWithoutThrowing() throws IOException {
    byte[] good = classFileOf(Fixture.class);
    assertFalse(AsyncFilter.mentionsAsync(null));
    assertFalse(AsyncFilter.mentionsAsync(new byte[0]));
    for (int length = 0; length < good.length; length++) {
      AsyncFilter.mentionsAsync(Arrays.copyOf(good, length)); // must not throw
    }
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      byte[] bad = good.clone();
      bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
      AsyncFilter.mentionsAsync(bad);
      byte[] noise = new byte[random.nextInt(200)];
      random.nextBytes(noise);
      AsyncFilter.mentionsAsync(noise);
    }
  }

  /** Mentions dev/tinyrt/Async. */
  static final class Fixture {
    static Object f() {
      return dev.tinyrt.Async.await(dev.tinyrt.Future.ready(1));
    }
  }
}
