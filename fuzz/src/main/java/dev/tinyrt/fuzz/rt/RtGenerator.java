// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Makes a random program tree from a seed, over the enabled {@link Feature}s. */
final class RtGenerator {

  /** Nesting limit: deeper nodes are leaves. */
  private static final int MAX_DEPTH = 4;

  /** Most children of a sequence or combinator. */
  private static final int MAX_WIDTH = 3;

  /** The modes of a plain spawn (a shared one is a kind of its own, with its feature). */
  private static final List<Node.Mode> SPAWN_MODES =
      List.of(Node.Mode.JOIN, Node.Mode.ABORT, Node.Mode.DETACH);

  /** The seeded choices. */
  private final Random random;

  /** What programs may use. */
  private final Set<Feature> features;

  RtGenerator(long seed, Set<Feature> features) {
    this.random = new Random(seed);
    this.features = features;
  }

  /** @return a new program */
  Node generate() {
    List<Node> top = children(0, 2 + random.nextInt(MAX_WIDTH + 2));
    List<Feature> paired = pairedFeatures();
    if (!paired.isEmpty()) {
      // Programs of the later features also get a producer and a consumer that meet: without
      // them a receive rarely finds its sender's slot waiting in another task.
      for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
        top.add(random.nextInt(top.size() + 1), pair(paired.get(random.nextInt(paired.size()))));
      }
    }
    return new Node.Seq(top);
  }

  /** The enabled features {@link #pair} knows (none of the first fuzzer's, whose programs stay). */
  private List<Feature> pairedFeatures() {
    List<Feature> paired = new ArrayList<>();
    for (Feature f : List.of(Feature.ONESHOT, Feature.WATCH, Feature.BROADCAST,
        Feature.SHARED_JOIN, Feature.BLOCKING)) {
      if (features.contains(f)) {
        paired.add(f);
      }
    }
    return paired;
  }

  /**
   * A producer spawned as a task of its own, after a random delay, and a consumer of the same slot
   * awaited here inside a combinator that may abandon it (a timeout, a select or race against a
   * sleep or a yield) or a joinAll: the receive waits while the sender sends, closes or goes, and
   * may be abandoned, aborted or shut down at that very moment.
   */
  private Node pair(Feature feature) {
    int slot = random.nextInt(2);
    Node producer;
    Node consumer;
    switch (feature) {
      case ONESHOT -> {
        Node.ChannelAction[] ends = {Node.ChannelAction.SEND, Node.ChannelAction.SEND,
            Node.ChannelAction.CLOSE, Node.ChannelAction.DROP};
        producer = new Node.OneshotOp(ends[random.nextInt(ends.length)], slot);
        consumer = new Node.OneshotOp(Node.ChannelAction.RECV, slot);
      }
      case WATCH -> {
        producer = new Node.WatchOp(random.nextInt(3) == 0
            ? Node.ChannelAction.CLOSE : Node.ChannelAction.SEND, slot);
        consumer = new Node.WatchOp(Node.ChannelAction.RECV, slot);
      }
      case BROADCAST -> {
        producer = random.nextInt(3) == 0
            ? new Node.BroadcastOp(Node.ChannelAction.CLOSE, slot, 0)
            : new Node.Seq(List.of(new Node.BroadcastOp(Node.ChannelAction.SEND, slot, 0),
                new Node.BroadcastOp(Node.ChannelAction.SEND, slot, 0),
                new Node.BroadcastOp(Node.ChannelAction.SEND, slot, 0)));
        consumer = new Node.BroadcastOp(Node.ChannelAction.RECV, slot,
            random.nextInt(BroadcastSlots.RECEIVERS));
      }
      case SHARED_JOIN -> {
        // The shared task is the producer: it ends after a delay, or is aborted by another.
        producer = random.nextBoolean() ? new Node.SharedJoin(slot, /* abort = */ true)
            : new Node.Value(random.nextInt(100));
        consumer = new Node.Seq(List.of(
            new Node.Spawn(new Node.Sleep(1 + random.nextInt(40)), Node.Mode.SHARED),
            new Node.JoinAll(List.of(new Node.SharedJoin(slot, false),
                new Node.Timeout(new Node.SharedJoin(slot, false), 1 + random.nextInt(40))))));
      }
      default -> {
        producer = new Node.Yield();
        consumer = new Node.Blocking();
      }
    }
    Node delay = random.nextBoolean() ? new Node.Sleep(1 + random.nextInt(40)) : new Node.Yield();
    Node.Mode mode = List.of(Node.Mode.DETACH, Node.Mode.JOIN, Node.Mode.SHARED)
        .get(random.nextInt(3));
    Node spawned = new Node.Spawn(new Node.Seq(List.of(delay, producer)), mode);
    int limit = 1 + random.nextInt(50);
    Node awaited = switch (random.nextInt(5)) {
      case 0 -> new Node.Timeout(consumer, limit);
      case 1 -> new Node.Select(List.of(consumer, new Node.Sleep(limit)));
      case 2 -> new Node.Race(List.of(new Node.Yield(), consumer));
      case 3 -> new Node.JoinAll(List.of(consumer, new Node.Sleep(limit)));
      default -> consumer;
    };
    return random.nextBoolean()
        ? new Node.Seq(List.of(spawned, awaited))
        : new Node.JoinAll(List.of(awaited, spawned));
  }

  private List<Node> children(int depth, int count) {
    List<Node> kids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      kids.add(node(depth));
    }
    return kids;
  }

  private Node node(int depth) {
    // Leaves: always possible; composites only above the depth limit.
    List<Kind> kinds = new ArrayList<>(List.of(Kind.VALUE, Kind.YIELD));
    add(kinds, Feature.SLEEP, Kind.SLEEP, Kind.SLEEP);
    add(kinds, Feature.CHANNEL, Kind.SEND, Kind.RECV);
    add(kinds, Feature.SHARED_RECV, Kind.SEND, Kind.SHARED_RECV);
    add(kinds, Feature.NOTIFY, Kind.WAIT, Kind.SIGNAL);
    add(kinds, Feature.THROW, Kind.THROW);
    add(kinds, Feature.CHECKED, Kind.THROW_CHECKED);
    add(kinds, Feature.SELF_ABORT, Kind.ABORT_SELF);
    add(kinds, Feature.ONESHOT, Kind.ONESHOT_SEND, Kind.ONESHOT_RECV, Kind.ONESHOT_RECV,
        Kind.ONESHOT_END);
    add(kinds, Feature.WATCH, Kind.WATCH_SEND, Kind.WATCH_RECV, Kind.WATCH_RECV, Kind.WATCH_CLOSE);
    add(kinds, Feature.BROADCAST, Kind.BROADCAST_SEND, Kind.BROADCAST_SEND, Kind.BROADCAST_RECV,
        Kind.BROADCAST_RECV, Kind.BROADCAST_CLOSE);
    add(kinds, Feature.SHARED_JOIN, Kind.JOIN_SHARED, Kind.JOIN_SHARED, Kind.ABORT_SHARED);
    add(kinds, Feature.BLOCKING, Kind.BLOCKING);
    add(kinds, Feature.TICK, Kind.TICK, Kind.TICK);
    if (depth < MAX_DEPTH) {
      kinds.add(Kind.SEQ);
      add(kinds, Feature.SPAWN, Kind.SPAWN, Kind.SPAWN);
      add(kinds, Feature.COMBINATORS, Kind.JOIN_ALL, Kind.SELECT, Kind.RACE);
      add(kinds, Feature.TIMEOUT, Kind.TIMEOUT);
      add(kinds, Feature.MUTEX, Kind.LOCK, Kind.LOCK);
      add(kinds, Feature.SEMAPHORE, Kind.ACQUIRE, Kind.ACQUIRE);
      add(kinds, Feature.NON_CANCELLABLE, Kind.CLEANUP);
      if (features.contains(Feature.THROW) || features.contains(Feature.CHECKED)) {
        kinds.add(Kind.CATCH);
      }
      add(kinds, Feature.SHARED_JOIN, Kind.SPAWN_SHARED, Kind.SPAWN_SHARED);
    }
    int d = depth + 1;
    return switch (kinds.get(random.nextInt(kinds.size()))) {
      case VALUE -> new Node.Value(random.nextInt(100));
      case YIELD -> new Node.Yield();
      case SLEEP -> new Node.Sleep(1 + random.nextInt(50));
      case SEND -> new Node.Send(random.nextInt(Env.CHANNELS));
      case RECV -> new Node.Recv(random.nextInt(Env.CHANNELS));
      case SHARED_RECV -> new Node.SharedRecv(random.nextInt(Env.CHANNELS));
      case WAIT -> new Node.Wait(random.nextInt(Env.NOTIFIES));
      case SIGNAL -> new Node.Signal(random.nextInt(Env.NOTIFIES), random.nextBoolean());
      case THROW -> new Node.Throw(/* checked = */ false);
      case THROW_CHECKED -> new Node.Throw(/* checked = */ true);
      case ABORT_SELF -> new Node.AbortSelf();
      case SEQ -> new Node.Seq(children(d, 1 + random.nextInt(MAX_WIDTH)));
      case SPAWN -> new Node.Spawn(node(d), SPAWN_MODES.get(random.nextInt(SPAWN_MODES.size())));
      case SPAWN_SHARED -> new Node.Spawn(node(d), Node.Mode.SHARED);
      case ONESHOT_SEND -> new Node.OneshotOp(Node.ChannelAction.SEND,
          random.nextInt(OneshotSlots.SLOTS));
      case ONESHOT_RECV -> new Node.OneshotOp(Node.ChannelAction.RECV,
          random.nextInt(OneshotSlots.SLOTS));
      case ONESHOT_END -> new Node.OneshotOp(random.nextBoolean()
          ? Node.ChannelAction.CLOSE : Node.ChannelAction.DROP, random.nextInt(OneshotSlots.SLOTS));
      case WATCH_SEND -> new Node.WatchOp(Node.ChannelAction.SEND, random.nextInt(WatchSlots.SLOTS));
      case WATCH_RECV -> new Node.WatchOp(Node.ChannelAction.RECV, random.nextInt(WatchSlots.SLOTS));
      case WATCH_CLOSE -> new Node.WatchOp(Node.ChannelAction.CLOSE,
          random.nextInt(WatchSlots.SLOTS));
      case BROADCAST_SEND -> new Node.BroadcastOp(Node.ChannelAction.SEND,
          random.nextInt(BroadcastSlots.SLOTS), 0);
      case BROADCAST_RECV -> new Node.BroadcastOp(Node.ChannelAction.RECV,
          random.nextInt(BroadcastSlots.SLOTS), random.nextInt(BroadcastSlots.RECEIVERS));
      case BROADCAST_CLOSE -> new Node.BroadcastOp(Node.ChannelAction.CLOSE,
          random.nextInt(BroadcastSlots.SLOTS), 0);
      case JOIN_SHARED -> new Node.SharedJoin(random.nextInt(4), /* abort = */ false);
      case ABORT_SHARED -> new Node.SharedJoin(random.nextInt(4), /* abort = */ true);
      case BLOCKING -> new Node.Blocking();
      case TICK -> new Node.Tick(random.nextInt(Ticks.INTERVALS));
      case JOIN_ALL -> new Node.JoinAll(children(d, 1 + random.nextInt(MAX_WIDTH)));
      case SELECT -> new Node.Select(children(d, 1 + random.nextInt(MAX_WIDTH)));
      case RACE -> new Node.Race(children(d, 1 + random.nextInt(MAX_WIDTH)));
      case TIMEOUT -> new Node.Timeout(node(d), 1 + random.nextInt(50));
      case LOCK -> new Node.Lock(random.nextInt(Env.MUTEXES), node(d));
      case ACQUIRE -> new Node.Acquire(random.nextInt(Env.SEMAPHORES),
          1 + random.nextInt(Env.SEMAPHORE_PERMITS), node(d));
      case CATCH -> new Node.Catch(node(d));
      case CLEANUP -> new Node.Cleanup(node(d), finite(d));
    };
  }

  /**
   * A clean-up: it must end without help from other tasks or the clock (a non-cancellable wait
   * for something nobody will do would rightly hang the shutdown), so only values, yields,
   * notifications and throws, in sequences and combinators.
   */
  private Node finite(int depth) {
    int choice = random.nextInt(depth < MAX_DEPTH ? 6 : 3);
    return switch (choice) {
      case 0 -> new Node.Value(random.nextInt(100));
      case 1 -> new Node.Yield();
      case 2 -> features.contains(Feature.THROW) && random.nextInt(3) == 0
          ? new Node.Throw(/* checked = */ false)
          : new Node.Signal(random.nextInt(Env.NOTIFIES), random.nextBoolean());
      case 3 -> new Node.Seq(List.of(finite(depth + 1), finite(depth + 1)));
      case 4 -> new Node.JoinAll(List.of(finite(depth + 1), finite(depth + 1)));
      default -> new Node.Race(List.of(finite(depth + 1), finite(depth + 1)));
    };
  }

  private void add(List<Kind> kinds, Feature feature, Kind... added) {
    if (features.contains(feature)) {
      kinds.addAll(List.of(added));
    }
  }

  /** The kinds of node to draw from. */
  private enum Kind {
    VALUE, YIELD, SLEEP, SEND, RECV, SHARED_RECV, WAIT, SIGNAL, THROW, THROW_CHECKED, ABORT_SELF,
    SEQ, SPAWN, JOIN_ALL, SELECT, RACE, TIMEOUT, LOCK, ACQUIRE, CATCH, CLEANUP,
    ONESHOT_SEND, ONESHOT_RECV, ONESHOT_END, WATCH_SEND, WATCH_RECV, WATCH_CLOSE, BROADCAST_SEND,
    BROADCAST_RECV, BROADCAST_CLOSE, JOIN_SHARED, ABORT_SHARED, BLOCKING, SPAWN_SHARED, TICK
  }
}
