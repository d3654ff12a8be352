// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an agent-generated frame for the runtime's reports: its state, the await point that state
 * stands for, and the future it awaits. The frame class's await-point table (a static constant,
 * {@link AwaitPoint#TABLE_FIELD}) is parsed once per class, on the first report that meets the
 * class, and cached; frames themselves carry nothing for it. Nothing here runs unless a report is
 * made (a task dump, a slow poll), so reflection is affordable.
 *
 * <p>Reads race with the task's own polls on other threads: a report may see a frame between two
 * states (a stale state, a null future). Every read tolerates that and never throws.
 */
final class FrameTable {

  /** How many frames deep a chain is followed (a frame awaiting a frame awaiting...). */
  static final int MAX_DEPTH = 64;

  /** The state of a frame that returned or threw (the agent's {@code FrameLayout.DONE}). */
  static final int DONE = -1;

  /** Each class's table, or {@link #NONE} for a class that is no frame (or cannot be read). */
  private static final ClassValue<FrameTable> TABLES = new ClassValue<>() {
    @Override
    protected FrameTable computeValue(Class<?> type) {
      return parse(type);
    }
  };

  /** Stands for "no table" in {@link #TABLES}, which cannot hold null. */
  private static final FrameTable NONE = new FrameTable("", null, new String[0], new String[0],
      new Field[0]);

  /**
   * One frame of a chain.
   *
   * @param frame the frame object
   * @param point where it is
   */
  record Link(Object frame, AwaitPoint point) {}

  /**
   * What a future awaits, frame by frame.
   *
   * @param frames the frames, outermost (the task's future) first; empty if it is no frame
   * @param leaf what the innermost frame awaits, not itself a frame; null if nothing (not
   *     started, finished, or caught between two states)
   */
  record Chain(List<Link> frames, Object leaf) {

    /** @return the innermost frame's await point, or null if the future is no frame */
    AwaitPoint innermost() {
      return frames.isEmpty() ? null : frames.get(frames.size() - 1).point();
    }

    /** @return the await points, innermost first (as a stack trace lists them) */
    List<AwaitPoint> points() {
      List<AwaitPoint> out = new ArrayList<>(frames.size());
      for (int i = frames.size() - 1; i >= 0; i--) {
        out.add(frames.get(i).point());
      }
      return out;
    }
  }

  /** The async method, {@code CartAsync.cartTotal}. */
  private final String method;

  /** The frame's {@code state} field. */
  private final Field state;

  /** Where each state is parked, {@code File.java:line}. */
  private final String[] locations;

  /** Each state's awaited expression. */
  private final String[] expressions;

  /** The field holding each state's awaited future; null for state 0. */
  private final Field[] awaitedFields;

  private FrameTable(
      String method, Field state, String[] locations, String[] expressions, Field[] awaitedFields) {
    this.method = method;
    this.state = state;
    this.locations = locations;
    this.expressions = expressions;
    this.awaitedFields = awaitedFields;
  }

  /**
   * Returns the table of {@code type}.
   *
   * @param type a class
   * @return its table, or null if it is no agent-generated frame (or its fields cannot be read)
   */
  static FrameTable of(Class<?> type) {
    FrameTable table = TABLES.get(type);
    return table == NONE ? null : table;
  }

  /**
   * Follows {@code future}'s awaits from frame to frame.
   *
   * @param future a future, or null
   * @return its chain
   */
  static Chain chain(Object future) {
    List<Link> frames = new ArrayList<>();
    Object at = future;
    while (at != null && frames.size() < MAX_DEPTH) {
      FrameTable table = of(at.getClass());
      if (table == null) {
        break;
      }
      int s = table.stateOf(at);
      AwaitPoint point = table.point(s);
      if (point == null) {
        return new Chain(frames, null); // finished, or not readable
      }
      frames.add(new Link(at, point));
      at = table.awaited(at, s);
    }
    return new Chain(frames, at);
  }

  /**
   * Follows {@code future}'s awaits to the innermost frame, without building a chain: what a
   * slow-poll check keeps before each poll.
   *
   * @param future a future, or null
   * @return the innermost frame (parked, or not started), or null if {@code future} is no frame
   *     or is finished
   */
  static Object innermostFrame(Object future) {
    Object innermost = null;
    Object at = future;
    for (int depth = 0; at != null && depth < MAX_DEPTH; depth++) {
      FrameTable table = of(at.getClass());
      if (table == null) {
        break;
      }
      int s = table.stateOf(at);
      if (s < 0 || s >= table.locations.length) {
        break; // finished, or not readable
      }
      innermost = at;
      at = table.awaited(at, s);
    }
    return innermost;
  }

  /** @return the async method, {@code CartAsync.cartTotal} */
  String method() {
    return method;
  }

  /** @return the frame's state, or {@link #DONE} if it cannot be read */
  int stateOf(Object frame) {
    try {
      return state.getInt(frame);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return DONE;
    }
  }

  /**
   * @param s a state
   * @return its await point, or null for a finished frame (or a state the table does not know)
   */
  AwaitPoint point(int s) {
    if (s < 0 || s >= locations.length) {
      return null;
    }
    return new AwaitPoint(method, s, locations[s], expressions[s]);
  }

  /** @return the future {@code frame} awaits in state {@code s}, or null */
  private Object awaited(Object frame, int s) {
    Field f = s > 0 && s < awaitedFields.length ? awaitedFields[s] : null;
    if (f == null) {
      return null;
    }
    try {
      return f.get(frame);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Parses the table of {@code type}, or returns {@link #NONE}. */
  private static FrameTable parse(Class<?> type) {
    try {
      Field tableField = type.getDeclaredField(AwaitPoint.TABLE_FIELD);
      if (!Modifier.isStatic(tableField.getModifiers()) || tableField.getType() != String.class) {
        return NONE;
      }
      tableField.setAccessible(true);
      String[] lines = ((String) tableField.get(null)).split("\n", -1);
      int states = lines.length - 1;
      String[] locations = new String[states];
      String[] expressions = new String[states];
      Field[] awaited = new Field[states];
      for (int s = 0; s < states; s++) {
        String[] columns = lines[s + 1].split("\t", -1);
        locations[s] = columns[0];
        expressions[s] = columns.length > 1 ? columns[1] : "";
        if (columns.length > 2 && !columns[2].isEmpty()) {
          awaited[s] = type.getDeclaredField(columns[2]);
          awaited[s].setAccessible(true);
        }
      }
      Field state = type.getDeclaredField("state");
      state.setAccessible(true);
      return new FrameTable(lines[0], state, locations, expressions, awaited);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // No table (a hand-written future), or a frame in a module that does not open its package
      // to tinyrt: the report prints the future's toString instead.
      return NONE;
    }
  }
}
