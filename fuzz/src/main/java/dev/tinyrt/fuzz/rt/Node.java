// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One operation of a random runtime program: a small tree that {@link Interp} runs with real
 * awaits. Every node evaluates to a {@code long}. Public because the interpreter is defined by
 * another class loader (the rewriting one) and reaches it from there.
 */
public sealed interface Node {

  /** @return the child operations, in order */
  default List<Node> kids() {
    return List.of();
  }

  /**
   * @param kids replacements for {@link #kids()}, same count
   * @return this node with those children
   */
  default Node with(List<Node> kids) {
    return this;
  }

  /** @return the program as text, one S-expression */
  String render();

  /** How a {@link Spawn} treats the task it spawned. */
  enum Mode {
    /** Awaits its handle: the child's value, or its exception. */
    JOIN,
    /** Aborts it at once, then waits for it to end without taking its outcome. */
    ABORT,
    /** Leaves it running on its own. */
    DETACH,
    /**
     * Leaves it running and shares its handle with the program: {@link SharedJoin} nodes of any
     * task await or abort it, several at once, before and after it ended.
     */
    SHARED
  }

  /** What a channel node does with its channel's current sender or receiver. */
  enum ChannelAction {
    /** Sends a fresh value. */
    SEND,
    /** Closes the sender (a watch or broadcast slot then opens a new channel). */
    CLOSE,
    /** Lets go of a oneshot sender without sending or closing: the collector closes it. */
    DROP,
    /** Receives (oneshot), waits for a change (watch) or receives the next value (broadcast). */
    RECV;

    /** @return the name in a rendered program */
    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Runs the children in order; the sum of their values. */
  record Seq(List<Node> body) implements Node {
    @Override
    public List<Node> kids() {
      return body;
    }

    @Override
    public Node with(List<Node> kids) {
      return new Seq(kids);
    }

    @Override
    public String render() {
      return list("seq", body);
    }
  }

  /** A constant. */
  record Value(long value) implements Node {
    @Override
    public String render() {
      return String.valueOf(value);
    }
  }

  /** {@code Tasks.yieldNow()}. */
  record Yield() implements Node {
    @Override
    public String render() {
      return "(yield)";
    }
  }

  /** {@code Tasks.sleep(ms)} on the manual clock. */
  record Sleep(int ms) implements Node {
    @Override
    public String render() {
      return "(sleep " + ms + ")";
    }
  }

  /** Spawns {@code body} as a task of its own. */
  record Spawn(Node body, Mode mode) implements Node {
    @Override
    public List<Node> kids() {
      return List.of(body);
    }

    @Override
    public Node with(List<Node> kids) {
      return new Spawn(kids.get(0), mode);
    }

    @Override
    public String render() {
      return "(spawn-" + mode.name().toLowerCase() + " " + body.render() + ")";
    }
  }

  /** {@code Futures.joinAll} of the children: the sum of their values. */
  record JoinAll(List<Node> body) implements Node {
    @Override
    public List<Node> kids() {
      return body;
    }

    @Override
    public Node with(List<Node> kids) {
      return new JoinAll(kids);
    }

    @Override
    public String render() {
      return list("join-all", body);
    }
  }

  /** {@code Futures.select} of the children: the winner's value. */
  record Select(List<Node> body) implements Node {
    @Override
    public List<Node> kids() {
      return body;
    }

    @Override
    public Node with(List<Node> kids) {
      return new Select(kids);
    }

    @Override
    public String render() {
      return list("select", body);
    }
  }

  /** {@code Futures.race} of the children: the winner's value. */
  record Race(List<Node> body) implements Node {
    @Override
    public List<Node> kids() {
      return body;
    }

    @Override
    public Node with(List<Node> kids) {
      return new Race(kids);
    }

    @Override
    public String render() {
      return list("race", body);
    }
  }

  /** {@code Tasks.timeout(body, ms)}: the body's value, or -2 once it elapsed. */
  record Timeout(Node body, int ms) implements Node {
    @Override
    public List<Node> kids() {
      return List.of(body);
    }

    @Override
    public Node with(List<Node> kids) {
      return new Timeout(kids.get(0), ms);
    }

    @Override
    public String render() {
      return "(timeout " + ms + " " + body.render() + ")";
    }
  }

  /** Runs {@code body} holding mutex {@code mutex}. */
  record Lock(int mutex, Node body) implements Node {
    @Override
    public List<Node> kids() {
      return List.of(body);
    }

    @Override
    public Node with(List<Node> kids) {
      return new Lock(mutex, kids.get(0));
    }

    @Override
    public String render() {
      return "(lock m" + mutex + " " + body.render() + ")";
    }
  }

  /** Runs {@code body} holding {@code permits} permits of semaphore {@code semaphore}. */
  record Acquire(int semaphore, int permits, Node body) implements Node {
    @Override
    public List<Node> kids() {
      return List.of(body);
    }

    @Override
    public Node with(List<Node> kids) {
      return new Acquire(semaphore, permits, kids.get(0));
    }

    @Override
    public String render() {
      return "(acquire s" + semaphore + " " + permits + " " + body.render() + ")";
    }
  }

  /** Sends a fresh value on channel {@code channel} (waits while a bounded one is full). */
  record Send(int channel) implements Node {
    @Override
    public String render() {
      return "(send c" + channel + ")";
    }
  }

  /** Receives one value from channel {@code channel} (one receiver at a time, by its lock). */
  record Recv(int channel) implements Node {
    @Override
    public String render() {
      return "(recv c" + channel + ")";
    }
  }

  /**
   * Receives one value from channel {@code channel} with no lock: any number of tasks may wait on
   * the shared receiver at once.
   */
  record SharedRecv(int channel) implements Node {
    @Override
    public String render() {
      return "(srecv c" + channel + ")";
    }
  }

  /** Awaits {@code Notify.notified()} of notify {@code index}. */
  record Wait(int index) implements Node {
    @Override
    public String render() {
      return "(wait n" + index + ")";
    }
  }

  /** {@code notifyOne()} of notify {@code index}, or {@code notifyWaiters()} if {@code all}. */
  record Signal(int index, boolean all) implements Node {
    @Override
    public String render() {
      return "(" + (all ? "notify-waiters" : "notify-one") + " n" + index + ")";
    }
  }

  /**
   * Oneshot slot {@code slot}: its sends and receives pair up first come, first served, each pair
   * a channel of its own (a receive takes the oldest receiver no receive took, making a new
   * channel if none is left; a send, close or drop the oldest such sender).
   */
  record OneshotOp(ChannelAction action, int slot) implements Node {
    @Override
    public String render() {
      return "(oneshot-" + action.word() + " o" + slot + ")";
    }
  }

  /**
   * Watch slot {@code slot}: send a fresh value, close (the slot opens a new channel), or
   * subscribe and await {@code changed()}.
   */
  record WatchOp(ChannelAction action, int slot) implements Node {
    @Override
    public String render() {
      return "(watch-" + action.word() + " w" + slot + ")";
    }
  }

  /**
   * Broadcast slot {@code slot}: send a fresh value, close (the slot opens a new channel), or
   * receive on its long-lived receiver {@code receiver}, which any number of nodes share (so it
   * lags behind and several receives wait on it at once).
   */
  record BroadcastOp(ChannelAction action, int slot, int receiver) implements Node {
    @Override
    public String render() {
      return "(broadcast-" + action.word() + " b" + slot
          + (action == ChannelAction.RECV ? " r" + receiver : "") + ")";
    }
  }

  /**
   * The {@code index}-th handle a {@code spawn-shared} put in the program's list (modulo its
   * size; nothing if the list is empty): awaited ({@code abort} false), or aborted.
   */
  record SharedJoin(int index, boolean abort) implements Node {
    @Override
    public String render() {
      return "(" + (abort ? "abort-shared h" : "join-shared h") + index + ")";
    }
  }

  /** Awaits the next tick of interval {@code index}, one task at a time (by a lock). */
  record Tick(int index) implements Node {
    @Override
    public String render() {
      return "(tick i" + index + ")";
    }
  }

  /** Awaits {@code Tasks.spawnBlocking} of a job that returns at once. */
  record Blocking() implements Node {
    @Override
    public String render() {
      return "(blocking)";
    }
  }

  /** Aborts the task running it, from inside, while it runs. */
  record AbortSelf() implements Node {
    @Override
    public String render() {
      return "(abort-self)";
    }
  }

  /** Throws a {@link FuzzFailure}, checked or not. */
  record Throw(boolean checked) implements Node {
    @Override
    public String render() {
      return checked ? "(throw-checked)" : "(throw)";
    }
  }

  /**
   * Runs {@code body}, then, in a {@code finally}, awaits {@code cleanup} inside {@code
   * Futures.nonCancellable}: the clean-up completes even in a cancelled task.
   */
  record Cleanup(Node body, Node cleanup) implements Node {
    @Override
    public List<Node> kids() {
      return List.of(body, cleanup);
    }

    @Override
    public Node with(List<Node> kids) {
      return new Cleanup(kids.get(0), kids.get(1));
    }

    @Override
    public String render() {
      return "(cleanup " + body.render() + " " + cleanup.render() + ")";
    }
  }

  /** Runs {@code body}; a {@link FuzzFailure} it throws gives -3 instead. */
  record Catch(Node body) implements Node {
    @Override
    public List<Node> kids() {
      return List.of(body);
    }

    @Override
    public Node with(List<Node> kids) {
      return new Catch(kids.get(0));
    }

    @Override
    public String render() {
      return "(catch " + body.render() + ")";
    }
  }

  private static String list(String head, List<Node> body) {
    return body.stream().map(Node::render).collect(Collectors.joining(" ", "(" + head + " ", ")"))
        .replace(head + " )", head + ")");
  }
}
