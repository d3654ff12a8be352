// SPDX-License-Identifier: Apache-2.0
package example.readme;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.time.Interval;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.MissedTicks;
import dev.tinyrt.time.Timer;
import java.time.Duration;

/** The README's "Time". */
final class Time {

  private Time() {}

  static Future<String> fetch(String url) {
    return Future.ready(url);
  }

  static Future<String> run(String url, Timer timer) {
    await(Tasks.sleep(Duration.ofMillis(200)));
    String page = await(Tasks.timeout(fetch(url), Duration.ofSeconds(2)));   // throws Elapsed
    Interval tick = timer.interval(Duration.ofSeconds(1), MissedTicks.SKIP);  // BURST, DELAY
    long at = await(tick.tick());
    return Future.ready(page + at);
  }

  static Timer inTests() {
    ManualClock clock = new ManualClock(); Timer timer = Timer.manual(clock);  // in tests
    return timer;
  }
}
