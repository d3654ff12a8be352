// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.ArrayList;
import java.util.List;

/** Reads back a program written by {@link Node#render()}, to replay a saved reproducer. */
final class ProgramParser {

  /** The tokens: parentheses and atoms. */
  private final List<String> tokens = new ArrayList<>();

  /** Next token. */
  private int at;

  private ProgramParser(String text) {
    for (String t : text.replace("(", " ( ").replace(")", " ) ").trim().split("\\s+")) {
      if (!t.isEmpty()) {
        tokens.add(t);
      }
    }
  }

  /**
   * @param text one rendered program
   * @return the program
   * @throws IllegalArgumentException naming the token that is wrong
   */
  static Node parse(String text) {
    ProgramParser p = new ProgramParser(text);
    Node n = p.node();
    if (p.at != p.tokens.size()) {
      throw new IllegalArgumentException("text after the program at token " + p.at + ": "
          + p.tokens.get(p.at));
    }
    return n;
  }

  private Node node() {
    String t = next();
    if (!t.equals("(")) {
      return new Node.Value(Long.parseLong(t));
    }
    String head = next();
    Node n = switch (head) {
      case "seq" -> new Node.Seq(rest());
      case "join-all" -> new Node.JoinAll(rest());
      case "select" -> new Node.Select(rest());
      case "race" -> new Node.Race(rest());
      case "yield" -> new Node.Yield();
      case "sleep" -> new Node.Sleep(number(""));
      case "spawn-join" -> new Node.Spawn(node(), Node.Mode.JOIN);
      case "spawn-abort" -> new Node.Spawn(node(), Node.Mode.ABORT);
      case "spawn-detach" -> new Node.Spawn(node(), Node.Mode.DETACH);
      case "timeout" -> {
        int ms = number("");
        yield new Node.Timeout(node(), ms);
      }
      case "lock" -> new Node.Lock(number("m"), node());
      case "acquire" -> {
        int s = number("s");
        yield new Node.Acquire(s, number(""), node());
      }
      case "send" -> new Node.Send(number("c"));
      case "recv" -> new Node.Recv(number("c"));
      case "srecv" -> new Node.SharedRecv(number("c"));
      case "wait" -> new Node.Wait(number("n"));
      case "notify-one" -> new Node.Signal(number("n"), false);
      case "notify-waiters" -> new Node.Signal(number("n"), true);
      case "spawn-shared" -> new Node.Spawn(node(), Node.Mode.SHARED);
      case "join-shared" -> new Node.SharedJoin(number("h"), false);
      case "abort-shared" -> new Node.SharedJoin(number("h"), true);
      case "blocking" -> new Node.Blocking();
      case "tick" -> new Node.Tick(number("i"));
      case "abort-self" -> new Node.AbortSelf();
      case "throw" -> new Node.Throw(false);
      case "throw-checked" -> new Node.Throw(true);
      case "catch" -> new Node.Catch(node());
      case "cleanup" -> {
        Node body = node();
        yield new Node.Cleanup(body, node());
      }
      default -> channelOp(head);
    };
    if (!(n instanceof Node.Seq || n instanceof Node.JoinAll || n instanceof Node.Select
        || n instanceof Node.Race)) {
      expect(")");
    }
    return n;
  }

  /** {@code oneshot-send o0}, {@code watch-recv w1}, {@code broadcast-recv b0 r1}... */
  private Node channelOp(String head) {
    int dash = head.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException("unknown operation " + head);
    }
    Node.ChannelAction action;
    try {
      action = Node.ChannelAction.valueOf(
          head.substring(dash + 1).toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown operation " + head, e);
    }
    return switch (head.substring(0, dash)) {
      case "oneshot" -> new Node.OneshotOp(action, number("o"));
      case "watch" -> new Node.WatchOp(action, number("w"));
      case "broadcast" -> {
        int slot = number("b");
        yield new Node.BroadcastOp(action, slot,
            action == Node.ChannelAction.RECV ? number("r") : 0);
      }
      default -> throw new IllegalArgumentException("unknown operation " + head);
    };
  }

  /** Nodes up to and including the closing parenthesis. */
  private List<Node> rest() {
    List<Node> kids = new ArrayList<>();
    while (!tokens.get(at).equals(")")) {
      kids.add(node());
    }
    at++;
    return kids;
  }

  private int number(String prefix) {
    String t = next();
    if (!t.startsWith(prefix)) {
      throw new IllegalArgumentException("expected " + prefix + "<number>, found " + t);
    }
    return Integer.parseInt(t.substring(prefix.length()));
  }

  private void expect(String token) {
    String t = next();
    if (!t.equals(token)) {
      throw new IllegalArgumentException("expected " + token + ", found " + t);
    }
  }

  private String next() {
    if (at >= tokens.size()) {
      throw new IllegalArgumentException("the program ends too early");
    }
    return tokens.get(at++);
  }
}
