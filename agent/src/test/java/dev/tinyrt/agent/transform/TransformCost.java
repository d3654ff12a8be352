// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import dev.tinyrt.agent.AgentOptions;
import dev.tinyrt.agent.filter.AsyncFilter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * Not a test: the CPU time per class load of the agent's transformer over real class files (the
 * demo's, the agent tests' and the golden fixtures'), and beside it the cost of one parse of each
 * kind, so a change that removes a parse can be weighed against the whole. Thread CPU time, not
 * wall time: the machine is shared. Run after {@code mvn -pl runtime,agent,demo -am package
 * -DskipTests}, with the agent's classes, ASM and the runtime on the class path:
 *
 * <pre>
 * java -cp agent/target/classes:agent/target/test-classes:runtime/target/classes:ASM_JARS \
 *   dev.tinyrt.agent.transform.TransformCost demo/target/classes agent/target/test-classes \
 *   agent/src/test/resources/golden/classes
 * </pre>
 */
public final class TransformCost {

  /** What is timed, in the order of {@link #main}'s loop. */
  private static final String[] WHAT = {
    "transform (agent, one class load)", "parse, frames expanded", "parse, frames skipped",
    "parse, code skipped (the mark)"
  };

  private TransformCost() {}

  /**
   * Times each kind of work over the classes under the folders given.
   *
   * @param args class folders
   */
  public static void main(String[] args) throws IOException {
    // The classes the agent would rewrite.
    List<String> names = new ArrayList<>();
    List<byte[]> classes = new ArrayList<>();
    for (String root : args) {
      Path folder = Path.of(root);
      try (Stream<Path> walk = Files.walk(folder)) {
        for (Path file : walk.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
          byte[] bytes = Files.readAllBytes(file);
          if (AsyncFilter.mentionsAsync(bytes)) {
            String name = folder.relativize(file).toString().replace('\\', '/');
            names.add(name.substring(0, name.length() - ".class".length()));
            classes.add(bytes);
          }
        }
      }
    }

    // Rounds of each kind of work in turn, so the machine's load falls on all alike.
    AsyncTransformer transformer = new AsyncTransformer(AgentOptions.NONE);
    ClassLoader loader = TransformCost.class.getClassLoader();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int rounds = Integer.getInteger("rounds", 150);
    long[][] cost = new long[WHAT.length][rounds];
    for (int round = 0; round < rounds; round++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < classes.size(); i++) {
        transformer.transform(loader, names.get(i), null, null, classes.get(i));
      }
      long transformed = threads.getCurrentThreadCpuTime();
      for (byte[] bytes : classes) {
        new ClassReader(bytes).accept(new ClassNode(), ClassReader.EXPAND_FRAMES);
      }
      long expanded = threads.getCurrentThreadCpuTime();
      for (byte[] bytes : classes) {
        new ClassReader(bytes).accept(new ClassNode(), ClassReader.SKIP_FRAMES);
      }
      long skipped = threads.getCurrentThreadCpuTime();
      for (byte[] bytes : classes) {
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {},
            ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      }
      long marked = threads.getCurrentThreadCpuTime();
      cost[0][round] = transformed - start;
      cost[1][round] = expanded - transformed;
      cost[2][round] = skipped - expanded;
      cost[3][round] = marked - skipped;
    }

    // The second half of the rounds (the first warms the JIT up), per class.
    System.out.println(classes.size() + " classes that mention dev/tinyrt/Async, " + rounds
        + " rounds; CPU ns per class over the last " + (rounds - rounds / 2) + ":");
    for (int w = 0; w < WHAT.length; w++) {
      long[] last = Arrays.copyOfRange(cost[w], rounds / 2, rounds);
      Arrays.sort(last);
      System.out.printf("  %-36s median %,9d  min %,9d%n",
          WHAT[w], last[last.length / 2] / classes.size(), last[0] / classes.size());
    }
  }
}
