// SPDX-License-Identifier: Apache-2.0
package golden;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.Supplier;

/** More shapes with their golden bytecode: expressions, switch, resources, lambdas, interfaces. */
public class MoreShapes {

  static final Deque<Later<?>> queue = new ArrayDeque<>();

  static final class Later<T> implements Future<T> {
    final T value;
    boolean done;

    Later(T value) {
      this.value = value;
    }

    @Override
    public Poll<T> poll(Context cx) {
      if (done) {
        return Poll.ready(value);
      }
      queue.add(this);
      return Poll.pending();
    }
  }

  static <T> Future<T> later(T value) {
    return new Later<>(value);
  }

  /** String concatenation (invokedynamic) and an array initializer around awaits. */
  static Future<String> concatAndArray(int n, double d) {
    int[] a = {n, await(later(2)), 3};
    return Future.ready("n=" + n + " d=" + d + " a=" + Arrays.toString(a) + " s=" + await(later("s")));
  }

  /** A ternary and a switch whose branches await. */
  static Future<Integer> ternaryAndSwitch(boolean b, int k) {
    int t = b ? await(later(1)) : 2;
    switch (k) {
      case 0:
        t += await(later(10));
        break;
      case 1:
        t += 20;
        break;
      default:
        t += await(later(30));
    }
    return Future.ready(t);
  }

  static final class Resource implements AutoCloseable {
    static int closed;

    @Override
    public void close() {
      closed++;
    }
  }

  /** An await inside try-with-resources: the resource closes once. */
  static Future<Integer> resources() {
    try (Resource r = new Resource()) {
      return Future.ready(await(later(5)) + Resource.closed);
    }
  }

  interface Greeter {
    String name();

    default Future<String> greet(Future<String> who) {
      return Future.ready(name() + " " + await(who));
    }

    static Future<String> twice(Future<String> s) {
      return Future.ready(await(s) + await(s));
    }
  }

  /** A lambda body that awaits. */
  static Supplier<Future<Long>> lambda(long base) {
    return () -> Future.ready(base + await(later(7L)));
  }

  public static String run() {
    Context cx = Context.from(Waker.noop());
    Greeter g = () -> "hi";
    StringBuilder out = new StringBuilder();
    for (Future<?> f : new Future<?>[] {
        concatAndArray(1, 0.5),
        ternaryAndSwitch(true, 0),
        ternaryAndSwitch(false, 2),
        resources(),
        g.greet(later("you")),
        Greeter.twice(later("ab")),
        lambda(100).get()}) {
      while (true) {
        Poll<?> p = f.poll(cx);
        if (p.isReady()) {
          out.append(p.get()).append(';');
          break;
        }
        queue.poll().done = true;
      }
    }
    return out.append(Resource.closed).toString();
  }
}
