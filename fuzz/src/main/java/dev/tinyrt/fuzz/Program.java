// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * A generated program as a small tree of statements, so it can be rendered in two forms (awaits
 * rewritten, or blocking) and shrunk by deleting statements.
 */
final class Program {

  /** A statement: rendered with its indentation. */
  interface Stmt {
    void render(StringBuilder out, String indent);

    /** The blocks nested in this statement, for the reducer. */
    default List<Block> blocks() {
      return List.of();
    }
  }

  /** A list of statements. */
  static final class Block {
    final List<Stmt> stmts = new ArrayList<>();

    void render(StringBuilder out, String indent) {
      for (Stmt s : stmts) {
        s.render(out, indent);
      }
    }
  }

  /** One line of code: a declaration, an assignment, a log, a guarded break or throw. */
  record Line(String code) implements Stmt {
    @Override
    public void render(StringBuilder out, String indent) {
      out.append(indent).append(code).append('\n');
    }
  }

  /** {@code if (cond) { then } else { otherwise }}. */
  record If(String cond, Block then, Block otherwise) implements Stmt {
    @Override
    public void render(StringBuilder out, String indent) {
      out.append(indent).append("if (").append(cond).append(") {\n");
      then.render(out, indent + "  ");
      out.append(indent).append("} else {\n");
      otherwise.render(out, indent + "  ");
      out.append(indent).append("}\n");
    }

    @Override
    public List<Block> blocks() {
      return List.of(then, otherwise);
    }
  }

  /** {@code for (int v = 0; v < bound; v++) { body }}. */
  record For(String var, int bound, Block body) implements Stmt {
    @Override
    public void render(StringBuilder out, String indent) {
      out.append(indent).append("for (int ").append(var).append(" = 0; ").append(var)
          .append(" < ").append(bound).append("; ").append(var).append("++) {\n");
      body.render(out, indent + "  ");
      out.append(indent).append("}\n");
    }

    @Override
    public List<Block> blocks() {
      return List.of(body);
    }
  }

  /** {@code try { body } catch (H.Fail e) { handler } finally { fin }}; handler or fin may be null. */
  record Try(Block body, String exception, Block handler, Block fin) implements Stmt {
    @Override
    public void render(StringBuilder out, String indent) {
      out.append(indent).append("try {\n");
      body.render(out, indent + "  ");
      if (handler != null) {
        out.append(indent).append("} catch (H.Fail ").append(exception).append(") {\n");
        handler.render(out, indent + "  ");
      }
      if (fin != null) {
        out.append(indent).append("} finally {\n");
        fin.render(out, indent + "  ");
      }
      out.append(indent).append("}\n");
    }

    @Override
    public List<Block> blocks() {
      List<Block> b = new ArrayList<>();
      b.add(body);
      if (handler != null) {
        b.add(handler);
      }
      if (fin != null) {
        b.add(fin);
      }
      return b;
    }
  }

  /** {@code switch (selector & 3) { case 0: ...; case 1: ...; default: ... }}. */
  record Switch(String selector, Block zero, Block one, Block other) implements Stmt {
    @Override
    public void render(StringBuilder out, String indent) {
      out.append(indent).append("switch ((").append(selector).append(") & 3) {\n");
      out.append(indent).append("  case 0: {\n");
      zero.render(out, indent + "    ");
      out.append(indent).append("    break;\n").append(indent).append("  }\n");
      out.append(indent).append("  case 1: {\n");
      one.render(out, indent + "    ");
      out.append(indent).append("    break;\n").append(indent).append("  }\n");
      out.append(indent).append("  default: {\n");
      other.render(out, indent + "    ");
      out.append(indent).append("  }\n").append(indent).append("}\n");
    }

    @Override
    public List<Block> blocks() {
      return List.of(zero, one, other);
    }
  }

  /** An async method: its signature line, body and returned expression. */
  record Method(String signature, Block body, String returned) {
    void render(StringBuilder out) {
      out.append("  ").append(signature).append(" {\n");
      body.render(out, "    ");
      out.append("    return Future.ready(").append(returned).append(");\n  }\n\n");
    }
  }

  /** The class name. */
  static final String CLASS = "Prog";

  /** The methods. */
  final List<Method> methods = new ArrayList<>();

  /**
   * Renders the program.
   *
   * @param pkg the package (programs compiled together each have their own)
   * @param blocking whether {@code await} is the blocking reference rather than Async's
   * @return a compilation unit
   */
  String render(String pkg, boolean blocking) {
    StringBuilder out = new StringBuilder();
    out.append("package ").append(pkg).append(";\n\n");
    out.append(blocking
        ? "import static dev.tinyrt.fuzz.Blocking.await;\n"
        : "import static dev.tinyrt.Async.await;\n");
    out.append("\nimport dev.tinyrt.Future;\nimport dev.tinyrt.fuzz.H;\n\n");
    out.append("public class ").append(CLASS).append(" {\n\n");
    out.append("  final int seed;\n\n  ").append(CLASS).append("(int seed) {\n    this.seed = seed;\n  }\n\n");
    out.append("""
          static Future<Integer> rec(H h, int n) {
            if (n <= 0) {
              return Future.ready(await(h.laterI(1)));
            }
            int below = await(rec(h, n - 1));
            return Future.ready(below + n);
          }

        """);
    for (Method m : methods) {
      m.render(out);
    }
    out.append("}\n");
    return out.toString();
  }

  /** @return every block of the program, outermost first, for the reducer */
  List<Block> allBlocks() {
    List<Block> all = new ArrayList<>();
    for (Method m : methods) {
      collect(m.body(), all);
    }
    return all;
  }

  private static void collect(Block b, List<Block> all) {
    all.add(b);
    for (Stmt s : b.stmts) {
      for (Block inner : s.blocks()) {
        collect(inner, all);
      }
    }
  }
}
