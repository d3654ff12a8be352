// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.TaskDump;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.time.Interval;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.MissedTicks;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a task dump prints for what a task awaits: an mpsc send, a broadcast receive, a select
 * printed as {@code dev.tinyrt.sync.MpscSend@62e20548}, {@code Futures$Select@...}, with neither
 * the channel nor its state (found by a new user, whose pipeline's dump said only that 16 tasks
 * awaited a send). Each waiting future now says what it is and what it waits on.
 */
class WaitingFuturesDescribeThemselvesTest {

  private static final Context CX = new CountingWaker().context();

  /** Polls {@code f} pending, then checks its text against {@code regex}. */
  private static void assertDescribed(Future<?> f, String regex) {
    assertTrue(f.poll(CX).isPending());
    String text = f.toString();
    assertTrue(Pattern.matches(regex, text), "'" + text + "' does not match " + regex);
  }

  @Test
  void mpscSendsAndReceivesNameTheChannelAndWhatItHolds() {
    Mpsc.Channel<Integer> full = Mpsc.bounded(1);
    full.sender().trySend(1);
    assertDescribed(full.sender().send(2),
        "Mpsc send on Mpsc@[0-9a-f]+\\[1 queued of 1, 1 sends waiting\\]");
    Mpsc.Channel<Integer> empty = Mpsc.unbounded();
    assertDescribed(empty.receiver().recv(),
        "Mpsc recv on Mpsc@[0-9a-f]+\\[0 queued, 1 receives waiting\\]");
    Future<Integer> second = empty.receiver().recv();
    assertDescribed(second, "Mpsc recv on Mpsc@[0-9a-f]+\\[0 queued, 2 receives waiting\\]");
    empty.sender().close();
    assertTrue(second.toString().endsWith(", sender closed]"), second.toString());
  }

  @Test
  void thePrimitivesWaitsNameWhatTheyWaitOn() {
    assertDescribed(new Semaphore(0).acquire(2), "Semaphore.acquire\\(2\\) on Semaphore@[0-9a-f]+");
    assertDescribed(new Notify().notified(), "Notify.notified\\(\\) on Notify@[0-9a-f]+");
    assertDescribed(Broadcast.<String>channel(2).subscribe().recv(),
        "Broadcast recv on Broadcast@[0-9a-f]+");
    assertDescribed(Watch.channel("a").receiver().changed(), "Watch changed\\(\\) on Watch@[0-9a-f]+");
  }

  @Test
  void combinatorsAndTimersSayWhatTheyAre() {
    Future<Object> never = cx -> Poll.pending();
    assertDescribed(Futures.select(List.of(never, never)),
        "Futures.select of 2 futures, 2 unfinished");
    assertDescribed(Futures.race(never), "Futures.race of 1 future, 1 unfinished");
    assertDescribed(Futures.joinAll(never, Future.ready(1)),
        "Futures.joinAll of 2 futures, 1 unfinished");
    assertDescribed(Futures.nonCancellable(never), "Futures.nonCancellable\\(.*\\)");
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    assertDescribed(timer.sleep(Duration.ofMillis(1204)), "Timer sleep, due in 1204 ms");
    assertDescribed(timer.timeout(never, Duration.ofSeconds(2)), "Timer.timeout after PT2S");
    Interval interval = timer.interval(Duration.ofMillis(10), MissedTicks.SKIP);
    assertTrue(interval.tick().poll(CX).isReady(), "the first tick is at once");
    assertDescribed(interval.tick(), "Interval tick, due in 10 ms");
  }

  @Test
  void aTaskDumpShowsTheChannel() {
    Mpsc.Channel<Integer> full = Mpsc.bounded(1);
    full.sender().trySend(1);
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      rt.spawn(full.sender().send(2));
      rt.blockOn(Tasks.yieldNow());
      String dump = TaskDump.text(rt);
      assertTrue(dump.contains("parked: Mpsc send on Mpsc@"), dump);
      assertTrue(dump.contains("[1 queued of 1, 1 sends waiting]"), dump);
      full.receiver().close();
    }
  }
}
