// SPDX-License-Identifier: Apache-2.0
package golden;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/** One method per hard shape of the rewrite, each with its golden bytecode. */
public class Shapes {

  static final Deque<Later<?>> queue = new ArrayDeque<>();

  /** Pending until run() completes it. */
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

  record Point(int x, int y) {}

  /** Values on the operand stack at the await, a two-slot one among them. */
  static Future<String> operandStack(long a, Future<Integer> x) {
    return Future.ready(String.valueOf(a * 2 + await(x)));
  }

  /** An uninitialized object on the stack: NEW/DUP moves after the arguments. */
  static Future<Point> constructor(Future<Integer> x, Future<Integer> y) {
    return Future.ready(new Point(await(x), await(y)));
  }

  /** An await in a try block, its catch and its finally, inside a loop. */
  static Future<Integer> tryInLoop(int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
      try {
        sum += await(later(i));
        if (i == 1) {
          throw new IllegalStateException();
        }
      } catch (IllegalStateException e) {
        sum += 100;
      } finally {
        sum += await(later(1000));
      }
    }
    return Future.ready(sum);
  }

  /** An instance method that awaits a CompletionStage and returns another future. */
  Future<String> instanceTail(CompletableFuture<String> stage) {
    String s = await(stage);
    return later(s + this.getClass().getSimpleName());
  }

  public static String run() {
    Context cx = Context.from(Waker.noop());
    StringBuilder out = new StringBuilder();
    for (Future<?> f : new Future<?>[] {
        operandStack(20, later(2)),
        constructor(later(1), later(2)),
        tryInLoop(3),
        new Shapes().instanceTail(CompletableFuture.completedFuture("in "))}) {
      while (true) {
        Poll<?> p = f.poll(cx);
        if (p.isReady()) {
          out.append(p.get()).append(';');
          break;
        }
        queue.poll().done = true;
      }
    }
    return out.toString();
  }
}
