// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates random async programs in Java 8 syntax: awaits at random operand positions inside
 * expressions of every primitive type, strings and arrays; constructors with awaited arguments;
 * loops with break and continue; nested try/catch/finally with failures before, at and after
 * awaits; switch and ternaries; static, instance and lambda methods; calls between async methods
 * and recursion. Every value flows into an ordered log, so the two runs can be compared.
 */
final class ProgramGenerator {

  /** The value types of generated code. */
  enum T {
    I("int", "laterI"),
    J("long", "laterJ"),
    D("double", "laterD"),
    Z("boolean", "laterZ"),
    S("String", "laterS");

    final String java;
    final String later;

    T(String java, String later) {
      this.java = java;
      this.later = later;
    }
  }

  private final Random random;

  /** Variables in scope: name to type. Parameters and loop variables are never assigned. */
  private final List<Map<String, T>> scopes = new ArrayList<>();

  /** Names that may be assigned to. */
  private final List<String> assignable = new ArrayList<>();

  /** The helper methods callable from the method being generated: name to (return, params). */
  private final List<String[]> callable = new ArrayList<>();

  private int names;
  private int loopDepth;

  ProgramGenerator(long seed) {
    this.random = new Random(seed);
  }

  /** @return a new random program */
  Program generate() {
    Program program = new Program();
    int helpers = 1 + random.nextInt(3);
    List<Program.Method> methods = new ArrayList<>();
    // Helpers are generated last-first, so each may call only those after it: no cycles.
    for (int k = helpers; k >= 1; k--) {
      methods.add(0, helper("m" + k));
    }
    Program.Method instance = instanceMethod();
    methods.add(0, mainMethod());
    methods.add(instance);
    program.methods.addAll(methods);
    return program;
  }

  private Program.Method helper(String name) {
    T ret = anyType();
    int arity = random.nextInt(3);
    Map<String, T> params = new LinkedHashMap<>();
    for (int i = 0; i < arity; i++) {
      params.put("a" + i, anyType());
    }
    StringBuilder sig = new StringBuilder("static Future<" + boxed(ret) + "> " + name + "(H h");
    params.forEach((p, t) -> sig.append(", ").append(t.java).append(' ').append(p));
    sig.append(')');
    Program.Method m = method(sig.toString(), params, ret, 1);
    String[] entry = new String[2 + params.size()];
    entry[0] = name;
    entry[1] = ret.name();
    int i = 2;
    for (T t : params.values()) {
      entry[i++] = t.name();
    }
    callable.add(entry);
    return m;
  }

  private Program.Method instanceMethod() {
    Map<String, T> params = new LinkedHashMap<>();
    params.put("x", T.J);
    Map<String, T> withSeed = new LinkedHashMap<>(params);
    withSeed.put("this.seed", T.I);
    return method("Future<Long> inst(H h, long x)", withSeed, T.J, 1);
  }

  private Program.Method mainMethod() {
    Map<String, T> none = new LinkedHashMap<>();
    scopes.add(none);
    Program.Block body = new Program.Block();
    int rec = random.nextInt(40);
    body.stmts.add(new Program.Line("h.log(\"rec \" + await(rec(h, " + rec + ")));"));
    body.stmts.add(new Program.Line("h.log(\"inst \" + await(new Prog(" + random.nextInt(9)
        + ").inst(h, " + random.nextInt(100) + "L)));"));
    block(body, 2, 3 + random.nextInt(5));
    String result = expr(T.S, 2);
    scopes.remove(scopes.size() - 1);
    assignable.clear();
    return new Program.Method("public static Future<String> main(H h)", body, result);
  }

  private Program.Method method(String signature, Map<String, T> params, T ret, int depth) {
    scopes.add(new LinkedHashMap<>(params));
    Program.Block body = new Program.Block();
    block(body, depth, 2 + random.nextInt(3));
    String returned = expr(ret, 2);
    scopes.remove(scopes.size() - 1);
    assignable.clear();
    return new Program.Method(signature, body, returned);
  }

  private void block(Program.Block into, int depth, int count) {
    scopes.add(new LinkedHashMap<>());
    int assignableBefore = assignable.size();
    for (int i = 0; i < count; i++) {
      into.stmts.add(statement(depth));
    }
    for (String name : scopes.remove(scopes.size() - 1).keySet()) {
      assignable.remove(name);
    }
    while (assignable.size() > assignableBefore) {
      assignable.remove(assignable.size() - 1);
    }
  }

  private Program.Block child(int depth) {
    Program.Block b = new Program.Block();
    block(b, depth - 1, 1 + random.nextInt(3));
    return b;
  }

  private Program.Stmt statement(int depth) {
    int choice = depth <= 0 ? random.nextInt(4) : random.nextInt(11);
    switch (choice) {
      case 0, 1 -> {
        T t = anyType();
        String name = "v" + names++;
        String code = t.java + " " + name + " = " + expr(t, 2 + random.nextInt(2)) + ";";
        scopes.get(scopes.size() - 1).put(name, t);
        assignable.add(name);
        return new Program.Line(code);
      }
      case 2 -> {
        if (!assignable.isEmpty()) {
          String name = assignable.get(random.nextInt(assignable.size()));
          return new Program.Line(name + " = " + expr(typeOf(name), 3) + ";");
        }
        return log();
      }
      case 3 -> {
        return log();
      }
      case 4 -> {
        return new Program.If(expr(T.Z, 2), child(depth), child(depth));
      }
      case 5 -> {
        String var = "i" + names++;
        scopes.add(new LinkedHashMap<>(Map.of(var, T.I)));
        loopDepth++;
        Program.Block body = new Program.Block();
        body.stmts.add(new Program.Line("if (" + expr(T.Z, 1) + ") continue;"));
        block(body, depth - 1, 1 + random.nextInt(3));
        body.stmts.add(new Program.Line("if (" + expr(T.Z, 1) + ") break;"));
        loopDepth--;
        scopes.remove(scopes.size() - 1);
        return new Program.For(var, 1 + random.nextInt(4), body);
      }
      case 6, 7 -> {
        String e = "e" + names++;
        Program.Block body = child(depth);
        int where = random.nextInt(3);
        Program.Stmt failure = random.nextBoolean()
            ? new Program.Line("if (" + expr(T.Z, 1) + ") throw new H.Fail(\"T" + names++ + "\");")
            : new Program.Line("h.log(\"F\" + await(h.failI(\"F" + names++ + "\")));");
        body.stmts.add(where == 0 ? 0 : where == 1 ? body.stmts.size() / 2 : body.stmts.size(), failure);
        Program.Block handler = null;
        Program.Block fin = null;
        int shape = random.nextInt(3);
        if (shape != 1) {
          scopes.add(new LinkedHashMap<>());
          handler = new Program.Block();
          handler.stmts.add(new Program.Line("h.log(\"caught \" + " + e + ".getMessage());"));
          block(handler, depth - 1, random.nextInt(3));
          scopes.remove(scopes.size() - 1);
        }
        if (shape != 0) {
          fin = child(depth);
          fin.stmts.add(0, new Program.Line("h.log(\"finally " + names++ + "\");"));
        }
        return new Program.Try(body, e, handler, fin);
      }
      case 8 -> {
        return new Program.Switch(expr(T.I, 2), child(depth), child(depth), child(depth));
      }
      default -> {
        return log();
      }
    }
  }

  private Program.Stmt log() {
    T t = anyType();
    return new Program.Line("h.log(\"L" + names++ + " \" + " + expr(t, 2) + ");");
  }

  /** An expression of type {@code t}, at most {@code depth} deep. */
  String expr(T t, int depth) {
    if (depth <= 0 || random.nextInt(5) == 0) {
      return leaf(t);
    }
    int d = depth - 1;
    int pick = random.nextInt(10);
    if (pick < 3) {
      return "await(h." + t.later + "(" + expr(t, d) + "))";
    }
    if (pick == 3) {
      String call = asyncCall(t, d);
      if (call != null) {
        return call;
      }
    }
    if (pick == 4) {
      return "(" + expr(T.Z, d) + " ? " + expr(t, d) + " : " + expr(t, d) + ")";
    }
    if (pick == 5 && t != T.Z && t != T.S) {
      return lambda(t);
    }
    switch (t) {
      case I -> {
        switch (random.nextInt(6)) {
          case 0: return "(" + expr(T.I, d) + " + " + expr(T.I, d) + ")";
          case 1: return "(" + expr(T.I, d) + " * " + expr(T.I, d) + ")";
          case 2: return "H.mixI(" + expr(T.I, d) + ", " + expr(T.I, d) + ")";
          case 3: return "new int[] {" + expr(T.I, d) + ", " + expr(T.I, d) + ", " + expr(T.I, d)
              + "}[" + random.nextInt(3) + "]";
          case 4: return "(int) (0L + " + expr(T.J, d) + ")";
          default: return "(" + expr(T.S, d) + ").length()";
        }
      }
      case J -> {
        switch (random.nextInt(5)) {
          case 0: return "(" + expr(T.J, d) + " - " + expr(T.J, d) + ")";
          case 1: return "H.mixJ(" + expr(T.J, d) + ", " + expr(T.J, d) + ")";
          case 2: return "new H.Box(" + expr(T.I, d) + ", " + expr(T.J, d) + ").sum()";
          case 3: return "(0L + " + expr(T.I, d) + ")";
          default: return "(" + expr(T.J, d) + " * " + expr(T.J, d) + ")";
        }
      }
      case D -> {
        switch (random.nextInt(4)) {
          case 0: return "(" + expr(T.D, d) + " + " + expr(T.D, d) + ")";
          case 1: return "H.mixD(" + expr(T.D, d) + ", " + expr(T.D, d) + ")";
          case 2: return "(0.0 + " + expr(T.I, d) + ")";
          default: return "(" + expr(T.D, d) + " * 0.5)";
        }
      }
      case Z -> {
        switch (random.nextInt(5)) {
          case 0: return "(" + expr(T.I, d) + " < " + expr(T.I, d) + ")";
          case 1: return "((0L + " + expr(T.J, d) + ") == (0L + " + expr(T.J, d) + "))";
          case 2: return "!(" + expr(T.Z, d) + ")";
          case 3: return "(" + expr(T.Z, d) + " && " + expr(T.Z, d) + ")";
          default: return "(" + expr(T.Z, d) + " || " + expr(T.Z, d) + ")";
        }
      }
      default -> {
        switch (random.nextInt(4)) {
          case 0: return "(\"s\" + " + expr(anyType(), d) + ")";
          case 1: return "H.mixS(" + expr(T.S, d) + ", " + expr(T.I, d) + ")";
          case 2: return "(\"\" + " + expr(T.D, d) + ")";
          default: return "(" + expr(T.S, d) + " + " + expr(T.I, d) + " + " + expr(T.J, d) + ")";
        }
      }
    }
  }

  /** A call of a helper (one declared after the current method) returning {@code t}, awaited. */
  private String asyncCall(T t, int d) {
    List<String[]> matching = new ArrayList<>();
    for (String[] c : callable) {
      if (c[1].equals(t.name())) {
        matching.add(c);
      }
    }
    if (matching.isEmpty()) {
      return null;
    }
    String[] c = matching.get(random.nextInt(matching.size()));
    StringBuilder call = new StringBuilder("await(" + c[0] + "(h");
    for (int i = 2; i < c.length; i++) {
      call.append(", ").append(expr(T.valueOf(c[i]), d));
    }
    return call.append("))").toString();
  }

  /** A lambda whose body is itself an async method, awaited at once. */
  private String lambda(T t) {
    String type = "java.util.function.Supplier<Future<" + boxed(t) + ">>";
    String literal = leafLiteral(t);
    return "await(((" + type + ") () -> Future.ready(await(h." + t.later + "(" + literal + "))))"
        + ".get())";
  }

  private String leaf(T t) {
    List<String> vars = new ArrayList<>();
    for (Map<String, T> scope : scopes) {
      scope.forEach((name, type) -> {
        if (type == t) {
          vars.add(name);
        }
      });
    }
    if (!vars.isEmpty() && random.nextInt(3) != 0) {
      return vars.get(random.nextInt(vars.size()));
    }
    return leafLiteral(t);
  }

  private String leafLiteral(T t) {
    return switch (t) {
      case I -> String.valueOf(random.nextInt(20) - 5);
      case J -> (random.nextInt(1000) - 100) + "L";
      case D -> (random.nextInt(16) / 4.0) + "";
      case Z -> String.valueOf(random.nextBoolean());
      case S -> "\"" + (char) ('a' + random.nextInt(26)) + "\"";
    };
  }

  private T typeOf(String name) {
    for (Map<String, T> scope : scopes) {
      if (scope.containsKey(name)) {
        return scope.get(name);
      }
    }
    throw new IllegalStateException(name);
  }

  private T anyType() {
    return T.values()[random.nextInt(T.values().length)];
  }

  private static String boxed(T t) {
    return switch (t) {
      case I -> "Integer";
      case J -> "Long";
      case D -> "Double";
      case Z -> "Boolean";
      case S -> "String";
    };
  }
}
