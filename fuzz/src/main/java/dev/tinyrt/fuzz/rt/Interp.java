// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static dev.tinyrt.Async.await;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.ChannelClosedException;
import dev.tinyrt.sync.LaggedException;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Semaphore;
import dev.tinyrt.time.Elapsed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one interpreter of runtime programs, written as real async methods: the agent's rewriter
 * turns each into a frame when {@link RewritingLoader} defines this class, so every {@code finally}
 * below is a real unwinding path under cancellation. Each node instance counts its {@code finally}
 * in the {@link Env}; each task counts its start and end.
 */
public final class Interp implements Interpreter {

  /** For the driver, which makes it by reflection in the rewriting loader. */
  public Interp() {}

  @Override
  public Future<Long> task(Node body, Env env, int task) {
    try {
      return runTask(body, env, task);
    } catch (Exception e) {
      // Calling an async method only makes its frame: nothing runs, nothing throws.
      throw new IllegalStateException("making a frame threw: " + e, e);
    }
  }

  /** A task's root: its body, with its start and single end recorded. */
  static Future<Long> runTask(Node body, Env env, int task) throws Exception {
    env.taskStarted(task);
    Throwable failure = null;
    try {
      long v = await(exec(body, env, task));
      env.taskReturned(task, v);
      return Future.ready(v);
    } catch (Exception | Error e) {
      failure = e;
      throw e;
    } finally {
      env.taskEnded(task, failure);
    }
  }

  /** Runs one node instance of task {@code task}; its {@code finally} is counted. */
  static Future<Long> exec(Node n, Env env, int task) throws Exception {
    int id = env.enter(n);
    try {
      long v;
      if (n instanceof Node.Value x) {
        v = x.value();
      } else if (n instanceof Node.Seq s) {
        v = 0;
        for (Node child : s.body()) {
          v += await(exec(child, env, task));
        }
      } else if (n instanceof Node.Yield) {
        await(Tasks.yieldNow());
        v = 1;
      } else if (n instanceof Node.Sleep s) {
        await(Tasks.sleep(Duration.ofMillis(s.ms())));
        v = 2;
      } else if (n instanceof Node.Spawn s) {
        v = await(spawn(s, env, task));
      } else if (n instanceof Node.JoinAll j) {
        v = 0;
        for (Long each : await(Futures.joinAll(frames(j.body(), env, task)))) {
          v += each;
        }
      } else if (n instanceof Node.Select s) {
        v = await(Futures.select(frames(s.body(), env, task))).value();
      } else if (n instanceof Node.Race r) {
        v = await(race(frames(r.body(), env, task)));
      } else if (n instanceof Node.Timeout t) {
        v = await(timeout(t, env, task));
      } else if (n instanceof Node.Lock l) {
        v = await(lock(l, env, task));
      } else if (n instanceof Node.Acquire a) {
        v = await(acquire(a, env, task));
      } else if (n instanceof Node.Send s) {
        v = await(send(s, env, task));
      } else if (n instanceof Node.Recv r) {
        v = await(recv(r, env, task));
      } else if (n instanceof Node.SharedRecv r) {
        v = await(sharedRecv(r, env, task));
      } else if (n instanceof Node.Wait w) {
        await(env.notifier(w.index()).notified());
        v = 3;
      } else if (n instanceof Node.Signal s) {
        if (s.all()) {
          env.notifier(s.index()).notifyWaiters();
        } else {
          env.notifier(s.index()).notifyOne();
        }
        v = 4;
      } else if (n instanceof Node.OneshotOp o) {
        v = await(oneshot(o, env));
      } else if (n instanceof Node.WatchOp w) {
        v = await(watch(w, env));
      } else if (n instanceof Node.BroadcastOp b) {
        v = await(broadcast(b, env));
      } else if (n instanceof Node.SharedJoin j) {
        v = await(sharedJoin(j, env, task));
      } else if (n instanceof Node.Tick t) {
        v = await(tick(t, env));
      } else if (n instanceof Node.Blocking) {
        v = await(Tasks.spawnBlocking(env.blockingJob()));
        env.blockingReturned(v);
      } else if (n instanceof Node.AbortSelf) {
        // The task cancels itself while it runs: the next await (or the end) sees it. On a
        // multi-threaded runtime it may run before its spawner stored its handle: then it cannot.
        JoinHandle<Long> self = env.handle(task);
        if (self != null) {
          self.abort();
        }
        v = 6;
      } else if (n instanceof Node.Throw t) {
        if (t.checked()) {
          throw new CheckedFuzzFailure();
        }
        throw new FuzzFailure();
      } else if (n instanceof Node.Catch c) {
        v = await(catching(c, env, task));
      } else if (n instanceof Node.Cleanup c) {
        v = await(cleanup(c, env, task));
      } else {
        throw new IllegalArgumentException("no interpretation for " + n.render());
      }
      return Future.ready(v);
    } finally {
      env.exit(id);
    }
  }

  /** The children as lazy frames, for a combinator. */
  private static List<Future<Long>> frames(List<Node> nodes, Env env, int task)
      throws Exception {
    List<Future<Long>> frames = new ArrayList<>();
    for (Node node : nodes) {
      frames.add(exec(node, env, task));
    }
    return frames;
  }

  /** {@code Futures.race} of the frames (not async: it only builds the combinator). */
  @SuppressWarnings("unchecked")
  private static Future<Long> race(List<Future<Long>> frames) {
    return Futures.race(frames.toArray(new Future[0]));
  }

  static Future<Long> spawn(Node.Spawn s, Env env, int task)
      throws Exception {
    int child = env.newTask(s.body());
    JoinHandle<Long> handle = Tasks.spawn(runTask(s.body(), env, child));
    env.spawned(child, handle);
    // No switch on the enum: javac would put its table in a class this loader does not define.
    long v;
    if (s.mode() == Node.Mode.JOIN) {
      v = await(handle);
    } else if (s.mode() == Node.Mode.ABORT) {
      handle.abort();
      v = await(env.joinQuietly(handle));
    } else if (s.mode() == Node.Mode.SHARED) {
      env.share(child);
      v = 5;
    } else {
      v = 5;
    }
    return Future.ready(v);
  }

  static Future<Long> timeout(Node.Timeout t, Env env, int task)
      throws Exception {
    try {
      long v = await(Tasks.timeout(exec(t.body(), env, task), Duration.ofMillis(t.ms())));
      return Future.ready(v);
    } catch (Elapsed e) {
      return Future.ready(-2L);
    }
  }

  static Future<Long> lock(Node.Lock l, Env env, int task)
      throws Exception {
    try (Mutex.Guard<Object> guard = await(env.mutex(l.mutex()).lock())) {
      env.locked(l.mutex());
      try {
        long v = await(exec(l.body(), env, task));
        return Future.ready(v);
      } finally {
        env.unlocking(l.mutex());
      }
    }
  }

  static Future<Long> acquire(Node.Acquire a, Env env, int task)
      throws Exception {
    try (Semaphore.Permit permit = await(env.semaphore(a.semaphore()).acquire(a.permits()))) {
      env.acquired(a.semaphore(), a.permits());
      try {
        long v = await(exec(a.body(), env, task));
        return Future.ready(v);
      } finally {
        env.releasing(a.semaphore(), a.permits());
      }
    }
  }

  static Future<Long> send(Node.Send s, Env env, int task)
      throws Exception {
    long value = env.newValue();
    boolean completed = false;
    try {
      await(env.sender(s.channel()).send(value));
      completed = true;
    } finally {
      env.sendEnded(value, completed);
    }
    return Future.ready(value);
  }

  static Future<Long> recv(Node.Recv r, Env env, int task)
      throws Exception {
    try (Mutex.Guard<Object> turn = await(env.receiveLock(r.channel()).lock())) {
      Long value = await(env.receiver(r.channel()).recv());
      env.received(value);
      return Future.ready(value == null ? -4L : value);
    }
  }

  static Future<Long> sharedRecv(Node.SharedRecv r, Env env, int task) throws Exception {
    Long value = await(env.receiver(r.channel()).recv());
    env.received(value);
    return Future.ready(value == null ? -4L : value);
  }

  /** A oneshot node: a receive of the slot's next free receiver, or a send, close or drop. */
  static Future<Long> oneshot(Node.OneshotOp o, Env env) throws Exception {
    Node.ChannelAction action = o.action();
    if (action != Node.ChannelAction.RECV) {
      OneshotSlots.Pair p = env.oneshots().takeSender(o.slot());
      if (action == Node.ChannelAction.SEND) {
        long value = env.newValue();
        p.send(value);
        return Future.ready(value);
      }
      if (action == Node.ChannelAction.CLOSE) {
        p.close();
      } else {
        p.drop();
      }
      return Future.ready(7L);
    }
    OneshotSlots.Pair p = env.oneshots().takeReceiver(o.slot());
    try {
      Long value = await(p.receiver());
      p.received(value);
      return Future.ready(value == null ? -4L : value);
    } catch (ChannelClosedException e) {
      p.sawClosed();
      return Future.ready(-6L);
    } finally {
      p.abandoned(); // does nothing if it received or saw the close
    }
  }

  /** A watch node: a send, a close, or a fresh subscriber's wait for a change. */
  static Future<Long> watch(Node.WatchOp w, Env env) throws Exception {
    Node.ChannelAction action = w.action();
    if (action == Node.ChannelAction.SEND) {
      long value = env.newValue();
      env.watches().current(w.slot()).send(value);
      return Future.ready(value);
    }
    if (action != Node.ChannelAction.RECV) {
      env.watches().close(w.slot());
      return Future.ready(7L);
    }
    WatchSlots.Generation g = env.watches().current(w.slot());
    try {
      Long value = await(g.subscribe().changed());
      env.watches().changed(g, value);
      return Future.ready(value == null ? -4L : value);
    } catch (ChannelClosedException e) {
      env.watches().sawClosed(g);
      return Future.ready(-6L);
    }
  }

  /** A broadcast node: a send, a close, or a receive on a shared long-lived receiver. */
  static Future<Long> broadcast(Node.BroadcastOp b, Env env) throws Exception {
    Node.ChannelAction action = b.action();
    if (action == Node.ChannelAction.SEND) {
      long value = env.newValue();
      env.broadcasts().current(b.slot()).send(value);
      return Future.ready(value);
    }
    if (action != Node.ChannelAction.RECV) {
      env.broadcasts().close(b.slot());
      return Future.ready(7L);
    }
    BroadcastSlots.Generation g = env.broadcasts().current(b.slot());
    try {
      Long value = await(g.receiver(b.receiver()).recv());
      env.broadcasts().received(g, b.receiver(), value);
      return Future.ready(value == null ? -4L : value);
    } catch (LaggedException e) {
      g.lagged(b.receiver(), e);
      return Future.ready(-7L);
    }
  }

  /** Awaits or aborts a shared handle; an await checks it gets the task's own outcome. */
  static Future<Long> sharedJoin(Node.SharedJoin j, Env env, int task) throws Exception {
    int target = env.sharedTask(j.index());
    if (target < 0) {
      return Future.ready(0L);
    }
    JoinHandle<Long> handle = env.handle(target);
    if (handle == null) {
      return Future.ready(0L); // shared before its spawner stored the handle: not yet usable
    }
    if (j.abort()) {
      handle.abort();
      return Future.ready(6L);
    }
    if (target == task) {
      // Its own handle: the await throws at once, where it once waited for itself for ever (a
      // select's other branch could still win).
      try {
        await(handle);
      } catch (IllegalStateException e) {
        if (e.getMessage().contains("awaited its own JoinHandle")) {
          return Future.ready(-8L);
        }
        throw e;
      }
      throw new AssertionError("task " + task + "'s await of its own handle returned");
    }
    env.joinBegan(target, task);
    try {
      long v = await(handle);
      env.joined(target, v);
      return Future.ready(v);
    } catch (CancelledException e) {
      // The task's outcome only if it ended cancelled: a task asked to stop may still return its
      // value, and then the exception is our own cancellation (a lost select, an abort).
      if (!(handle.isFinished() && handle.isCancelled())) {
        throw e;
      }
      env.joinThrew(target, e);
      return Future.ready(-1L);
    } catch (Exception e) {
      // The task's own failure, unchecked or checked, rethrown unchanged by the await.
      env.joinThrew(target, e);
      throw e;
    } finally {
      env.joinEnded(target, task);
    }
  }

  /** Awaits the next tick of an interval, holding its lock (an interval ticks for one task). */
  static Future<Long> tick(Node.Tick t, Env env) throws Exception {
    try (Mutex.Guard<Object> turn = await(env.ticks().lock(t.index()))) {
      long at = await(env.ticks().interval(t.index()).tick());
      env.ticks().ticked(t.index(), at);
      return Future.ready(9L);
    }
  }

  static Future<Long> cleanup(Node.Cleanup c, Env env, int task) throws Exception {
    try {
      long v = await(exec(c.body(), env, task));
      return Future.ready(v);
    } finally {
      int id = env.cleanupBegan(c.cleanup());
      boolean completed = false;
      try {
        await(Futures.nonCancellable(exec(c.cleanup(), env, task)));
        completed = true;
      } catch (FuzzFailure e) {
        completed = true; // it ran to its throw: complete, and the body's outcome stands
      } finally {
        env.cleanupEnded(id, completed);
      }
    }
  }

  static Future<Long> catching(Node.Catch c, Env env, int task)
      throws Exception {
    try {
      long v = await(exec(c.body(), env, task));
      return Future.ready(v);
    } catch (FuzzFailure | CheckedFuzzFailure e) {
      return Future.ready(-3L);
    }
  }
}
