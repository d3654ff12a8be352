// SPDX-License-Identifier: Apache-2.0
package example.readme;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.sync.Broadcast;
import dev.tinyrt.sync.Mpsc;
import dev.tinyrt.sync.Watch;

/** The README's "Channels". */
final class Channels {

  private Channels() {}

  record Job(String name) {}

  record Config(int workers) {}

  static void handle(Job job) {}

  static Future<Void> run(Job job, Config initial) {
    Mpsc.Channel<Job> jobs = Mpsc.bounded(16);            // Mpsc.unbounded()
    await(jobs.sender().send(job));                        // waits while full: backpressure
    for (Job j; (j = await(jobs.receiver().recv())) != null; ) handle(j);
    Broadcast.Sender<String> news = Broadcast.channel(64); // each subscriber gets every value
    Watch.Channel<Config> config = Watch.channel(initial); // only the latest value
    return Future.ready(null);
  }
}
