// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.lang.ref.ReferenceQueue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reports an async method's future that was garbage-collected without ever being polled: calling
 * an async method runs nothing, so a call whose future is neither awaited, spawned nor blocked on
 * is a mistake that otherwise says nothing. Reported once per call site (the caller's {@code
 * File.java:line}) to the {@code System.Logger} named {@code dev.tinyrt} (level WARNING).
 *
 * <p>Opt-in: {@code -Dtinyrt.neverPolled=true}, read both where classes are rewritten and at run
 * time. The agent emits the calls of {@link #created} (from each frame's constructor) and {@link
 * #polling} (from its {@code poll}) only when the property is true in the JVM that rewrites: off,
 * frames have no call at all. Classes instrumented at build time ({@code instrument}, the Maven
 * plugin) have them only if the build ran with the property. Both calls also test the static
 * final {@link #ENABLED}, so a frame rewritten with them in a JVM run without the property costs
 * an empty call. When on, each frame's creation walks two stack frames and registers a weak
 * reference, removed at its first poll; a reference the collector enqueues is a frame that was
 * never polled. The next frame's creation reports it, or else a daemon thread started with the
 * first frame.
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

  /**
   * The reference of each frame not polled yet, keyed by itself (found by its frame's identity,
   * {@link Unpolled#equals}): it keeps the reference reachable until the collector enqueues it or
   * its frame is polled, and whoever removes a reference from it first is the only one to act on it,
   * so a frame is reported at most once.
   */
  private final Map<Unpolled, Unpolled> pending = new ConcurrentHashMap<>();

  /** The call sites already reported. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** Where a report goes. */
  private final Consumer<String> sink;

  /** Whether the reporting thread was started (the static tracker only). */
  private volatile boolean started;

  /**
   * A frame not polled yet, with where it was made; equal to another reference to the same frame
   * (by identity) while that frame is alive, so a lookup finds it without a second map.
   */
  static final class Unpolled extends IdentityWeakKey {
    /** {@code Shop.price, called at Shop.checkout (Shop.java:22)}; null for a lookup key. */
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
    pending.put(ref, ref);
  }

  /** Forgets {@code frame}: it is being polled. */
  void polled(Object frame) {
    Unpolled ref = pending.remove(new Unpolled(frame, /* site = */ null, /* queue = */ null));
    if (ref != null) {
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
    // Removed by identity (a cleared reference equals only itself): true once per reference.
    if (pending.remove(ref) == ref && reported.add(ref.site)) {
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
    RuntimeThreads.service("tinyrt-never-polled", "the reports of futures never polled", () -> {
      while (true) {
        try {
          report((Unpolled) collected.remove());
        } catch (InterruptedException e) {
          return;
        }
      }
    }).start();
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

  /** Sends a report to the {@code dev.tinyrt} logger. */
  private static void log(String report) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING, report);
  }
}
