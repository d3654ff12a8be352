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
      case "abort-self" -> new Node.AbortSelf();
      case "throw" -> new Node.Throw(false);
      case "throw-checked" -> new Node.Throw(true);
      case "catch" -> new Node.Catch(node());
      case "cleanup" -> {
        Node body = node();
        yield new Node.Cleanup(body, node());
      }
      default -> throw new IllegalArgumentException("unknown operation " + head);
    };
    if (!(n instanceof Node.Seq || n instanceof Node.JoinAll || n instanceof Node.Select
        || n instanceof Node.Race)) {
      expect(")");
    }
    return n;
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
