// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reports an async method's future that was garbage-collected without ever being polled: calling
 * an async method runs nothing, so a call whose future is neither awaited, spawned nor blocked on
 * is a mistake that otherwise says nothing. Reported once per call site (the caller's {@code
 * File.java:line}) to the {@code System.Logger} named {@code tinyrt} (level WARNING).
 *
 * <p>Opt-in: {@code -Dtinyrt.neverPolled=true}. Every agent-generated frame calls {@link
 * #created} from its constructor and {@link #polling} from its {@code poll}; both test the static
 * final {@link #ENABLED} first, so when it is false they are empty once inlined, and nothing is
 * allocated or registered. When on, each frame's creation walks two stack frames and registers a
 * weak reference, removed at its first poll; a reference the collector enqueues is a frame that
 * was never polled. The next frame's creation reports it, or else a daemon thread started with
 * the first frame.
 */
public final class NeverPolled {

  /** The system property that turns the reports on. */
  public static final String PROPERTY = "tinyrt.neverPolled";

  /** Whether frames are tracked; read once, when the class initializes. */
  public static final boolean ENABLED = Boolean.getBoolean(PROPERTY);

  /** The tracker the frames' calls use; null when off. */
  private static final NeverPolled TRACKER = ENABLED ? new NeverPolled(NeverPolled::log) : null;

  /** Where the collector puts the references of frames collected unpolled. */
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

  /** Each unpolled frame's reference, by the frame (weakly, by identity). Guarded by itself. */
  private final Map<Object, Unpolled> byFrame = Collections.synchronizedMap(new WeakHashMap<>());

  /** Keeps the references reachable until they are enqueued or their frame is polled. */
  private final Set<Unpolled> pending = ConcurrentHashMap.newKeySet();

  /** The call sites already reported. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** Where a report goes. */
  private final Consumer<String> sink;

  /** Whether the reporting thread was started (the static tracker only). */
  private volatile boolean started;

  /** A frame not polled yet, with where it was made. */
  static final class Unpolled extends WeakReference<Object> {
    /** {@code Shop.price, called at Shop.checkout (Shop.java:22)}. */
    final String site;

    Unpolled(Object frame, String site, ReferenceQueue<Object> queue) {
      super(frame, queue);
      this.site = site;
    }
  }

  /** @param sink where reports go */
  NeverPolled(Consumer<String> sink) {
    this.sink = sink;
  }

  /**
   * Called by each frame's constructor. Off: nothing.
   *
   * @param frame the new frame
   */
  public static void created(Object frame) {
    if (ENABLED) {
      TRACKER.drain(); // what the collector found since: reported on this thread, at once
      TRACKER.track(frame, callSite());
      TRACKER.startReporting();
    }
  }

  /**
   * Called by each frame's {@code poll} before it runs. Off: nothing.
   *
   * @param frame the frame
   * @param state its state (0: its first poll)
   */
  public static void polling(Object frame, int state) {
    if (ENABLED && state == 0) {
      TRACKER.polled(frame);
    }
  }

  /** Registers {@code frame}, made at {@code site}. */
  void track(Object frame, String site) {
    Unpolled ref = new Unpolled(frame, site, collected);
    pending.add(ref);
    byFrame.put(frame, ref);
  }

  /** Forgets {@code frame}: it is being polled. */
  void polled(Object frame) {
    Unpolled ref = byFrame.remove(frame);
    if (ref != null) {
      pending.remove(ref);
      ref.clear(); // never enqueued now
    }
  }

  /**
   * Reports the frames collected unpolled so far, without waiting.
   *
   * @return how many references were taken from the queue
   */
  int drain() {
    int n = 0;
    for (Object r; (r = collected.poll()) != null; n++) {
      report((Unpolled) r);
    }
    return n;
  }

  /**
   * Waits up to {@code timeoutMillis} for the collector to enqueue a reference, then reports it and
   * whatever else is queued (for tests, between calls of {@code System.gc()}).
   *
   * @param timeoutMillis how long to wait for the first one
   * @return how many references were taken from the queue
   * @throws InterruptedException if interrupted while waiting
   */
  int drain(long timeoutMillis) throws InterruptedException {
    Object first = collected.remove(timeoutMillis);
    if (first == null) {
      return 0;
    }
    report((Unpolled) first);
    return 1 + drain();
  }

  private void report(Unpolled ref) {
    if (pending.remove(ref) && reported.add(ref.site)) {
      sink.accept("tinyrt: the future of " + ref.site + " was garbage-collected without ever "
          + "being polled, so none of its code ran: calling an async method only makes its "
          + "future. Await it, spawn it (Tasks.spawn), or block on it (blockOn) at the top "
          + "level; or remove the call. Reported once per call site.");
    }
  }

  /** Starts the daemon thread that reports, once. */
  private void startReporting() {
    if (started) {
      return;
    }
    synchronized (this) {
      if (started) {
        return;
      }
      started = true;
    }
    Thread t = new Thread(() -> {
      while (true) {
        try {
          report((Unpolled) collected.remove());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "tinyrt-never-polled");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Names the async method whose frame is being made and its caller, from the stack: this
   * method, {@link #created}, the frame's constructor, the async method, its caller.
   */
  static String callSite() {
    List<StackWalker.StackFrame> frames = StackWalker.getInstance()
        .walk(s -> s.skip(3).limit(2).toList());
    if (frames.isEmpty()) {
      return "an async method";
    }
    StackWalker.StackFrame method = frames.get(0);
    String callee = simpleName(method.getClassName()) + "." + method.getMethodName();
    return frames.size() < 2 ? callee : callee + ", called at " + CallSite.describe(frames.get(1));
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** Sends a report to the {@code tinyrt} logger. */
  private static void log(String report) {
    System.getLogger("tinyrt").log(System.Logger.Level.WARNING, report);
  }
}
