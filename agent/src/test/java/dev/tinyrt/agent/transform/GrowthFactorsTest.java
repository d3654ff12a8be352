// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.agent.analysis.AsyncMethods;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * How much the rewrite grows each async method of the golden fixtures and of the large methods
 * ({@link LargeMethodsTest}): its code before, the stub and the state-machine body after, and the
 * frame class. Prints the table of {@code docs/agent-scale.md} and holds the large methods to
 * linear growth: a constant number of bytes per await.
 *
 * <p>Run: {@code mvn -B -q -o -pl runtime,agent test -Dtest=GrowthFactorsTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; the table is printed on the test's standard output.
 */
class GrowthFactorsTest {

  /**
   * One rewritten async method.
   *
   * @param where fixture and method
   * @param awaits its awaits
   * @param before its code, in bytes
   * @param stub the code of the method once it only allocates the frame
   * @param body the code of the state machine
   * @param stackMaps the state machine's stack map frames in the class file, in bytes
   * @param frameClass the frame's class file, in bytes
   * @param frameFields the frame's fields
   * @param hoisted whether its locals were hoisted into frame fields
   */
  record Row(
      String where, int awaits, int before, int stub, int body, int stackMaps, int frameClass,
      int frameFields, boolean hoisted) {
    double growth() {
      return (double) (stub + body) / before;
    }

    /** Bytes of rewritten code per await, beyond the original code. */
    double bytesPerAwait() {
      return (double) (stub + body - before) / awaits;
    }
  }

  @Test
  void theRewriteGrowsEachMethodByAConstantAmountPerAwait() throws Exception {
    List<Row> rows = new ArrayList<>();
    Map<String, byte[]> golden = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(GoldenRewriteTest.GOLDEN.resolve("classes/golden"))) {
      for (Path f : files.sorted().toList()) {
        golden.put(f.getFileName().toString().replace(".class", ""), Files.readAllBytes(f));
      }
    }
    for (String fixture : List.of("Cart", "Shapes", "MoreShapes", "Chains")) {
      byte[] original = golden.get(fixture);
      rows.addAll(measure(
          fixture, original, ClassRewriter.rewrite(original, ClassRewriter.Options.DEFAULT)));
    }

    LargeMethodsTest.load();
    List<Row> large = measure("Big", LargeMethodsTest.original, LargeMethodsTest.outcome);
    rows.addAll(large);
    System.out.println(table(rows));

    // Linear: every await of a method without operands waiting under it costs the same bytes,
    // however many awaits and live values there are.
    Row hundred = row(large, "Big.hundredLive");
    Row thousand = row(large, "Big.thousandSinks");
    assertTrue(hundred.hoisted() && thousand.hoisted(), large.toString());
    assertTrue(hundred.bytesPerAwait() < 64, hundred.toString());
    assertTrue(thousand.bytesPerAwait() < 64, thousand.toString());
    assertTrue(thousand.growth() < 6, thousand.toString());
    // Linear too where operands wait under the awaits: a concatenation costs about the same bytes
    // per await at 50, 100, 250 and 1,000 operands.
    for (String concatenation : List.of("Big.concatenation50", "Big.concatenation100",
        "Big.concatenation", "Big.concatenation1000")) {
      Row r = row(large, concatenation);
      assertTrue(r.bytesPerAwait() < 128, r.toString());
      assertTrue(r.growth() < 10, r.toString());
    }
    assertEquals(List.of("Big.tiny", "Big.hundredLive", "Big.thousandSinks", "Big.concatenation",
            "Big.concatenation50", "Big.concatenation100", "Big.concatenation1000"),
        large.stream().map(Row::where).toList(), "every large method but thousandAdds rewritten");
    assertEquals(1, LargeMethodsTest.outcome.refusals().size());
  }

  static Row row(List<Row> rows, String where) {
    return rows.stream().filter(r -> r.where().equals(where)).findFirst().orElseThrow();
  }

  /** Measures each async method of {@code original} in its rewrite, {@code outcome}. */
  static List<Row> measure(String fixture, byte[] original, ClassRewriter.Outcome outcome) {
    ClassNode before = read(original);
    ClassNode after = read(outcome.hostBytes());
    Map<String, Integer> sizesBefore = codeSizes(before);
    Map<String, Integer> sizesAfter = codeSizes(after);
    List<Row> rows = new ArrayList<>();
    for (MethodNode stub : after.methods) {
      TypeInsnNode allocation = frameAllocation(stub);
      if (allocation == null) {
        continue;
      }
      ClassNode frame = read(outcome.frames().get(allocation.desc));
      MethodInsnNode callsBody = bodyCall(frame);
      MethodNode async = method(before, stub.name + stub.desc);
      rows.add(new Row(
          fixture + "." + stub.name,
          AsyncMethods.awaitsOf(async).size(),
          sizesBefore.get(stub.name + stub.desc),
          sizesAfter.get(stub.name + stub.desc),
          sizesAfter.get(callsBody.name + callsBody.desc),
          stackMapBytes(after, method(after, callsBody.name + callsBody.desc)),
          outcome.frames().get(allocation.desc).length,
          frame.fields.size(),
          frame.fields.stream().anyMatch((FieldNode f) -> f.name.contains("$"))));
    }
    return rows;
  }

  /** The {@code NEW Frame} that starts a stub, or null if {@code m} is not one. */
  static TypeInsnNode frameAllocation(MethodNode m) {
    for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
      if (n.getOpcode() >= 0) {
        return n instanceof TypeInsnNode t && t.getOpcode() == Opcodes.NEW && t.desc.endsWith("-Frame")
            ? t
            : null;
      }
    }
    return null;
  }

  /** The call of the state-machine body in the frame's {@code poll}. */
  static MethodInsnNode bodyCall(ClassNode frame) {
    MethodNode poll = method(frame, "poll(Ldev/tinyrt/Context;)Ldev/tinyrt/Poll;");
    for (AbstractInsnNode n = poll.instructions.getFirst(); n != null; n = n.getNext()) {
      if (n instanceof MethodInsnNode call && call.getOpcode() == Opcodes.INVOKESTATIC
          && !call.owner.equals(dev.tinyrt.agent.RuntimeNames.NEVER_POLLED)) {
        return call;
      }
    }
    throw new AssertionError("no body call in " + frame.name + ".poll");
  }

  static MethodNode method(ClassNode owner, String key) {
    return owner.methods.stream()
        .filter(m -> (m.name + m.desc).equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError(owner.name + " has no " + key));
  }

  /** The code size of each method, by name and descriptor, as a class writer lays it out. */
  static Map<String, Integer> codeSizes(ClassNode owner) {
    Map<String, LabelNode> ends = new LinkedHashMap<>();
    for (MethodNode m : owner.methods) {
      LabelNode end = new LabelNode();
      m.instructions.add(end);
      ends.put(m.name + m.desc, end);
    }
    owner.accept(new ClassWriter(0));
    Map<String, Integer> sizes = new LinkedHashMap<>();
    ends.forEach((key, end) -> sizes.put(key, end.getLabel().getOffset()));
    return sizes;
  }

  /**
   * The bytes {@code m}'s stack map frames take in a class file: a class holding {@code m} alone,
   * written with its frames and without (its {@code StackMapTable} attribute, and the constants
   * only the frames name).
   */
  static int stackMapBytes(ClassNode owner, MethodNode m) {
    ClassNode alone = new ClassNode();
    alone.version = owner.version;
    alone.access = owner.access;
    alone.name = owner.name;
    alone.superName = owner.superName;
    alone.methods.add(m);
    ClassWriter withFrames = new ClassWriter(0);
    alone.accept(withFrames);
    byte[] with = withFrames.toByteArray();
    ClassWriter withoutFrames = new ClassWriter(0);
    new ClassReader(with).accept(withoutFrames, ClassReader.SKIP_FRAMES);
    return with.length - withoutFrames.toByteArray().length;
  }

  static ClassNode read(byte[] bytes) {
    ClassNode node = new ClassNode();
    new ClassReader(bytes).accept(node, 0);
    return node;
  }

  static String table(List<Row> rows) {
    StringBuilder out = new StringBuilder(
        "| method | awaits | code before (B) | stub + body after (B) | growth | B per await"
            + " | body's stack maps (B) | frame class (B) | frame fields | locals |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      out.append(String.format(
          "| %s | %d | %d | %d + %d | %.1fx | %.0f | %d | %d | %d | %s |%n",
          r.where(), r.awaits(), r.before(), r.stub(), r.body(), r.growth(), r.bytesPerAwait(),
          r.stackMaps(), r.frameClass(), r.frameFields(), r.hoisted() ? "hoisted" : "saved at each await"));
    }
    return out.toString();
  }
}
