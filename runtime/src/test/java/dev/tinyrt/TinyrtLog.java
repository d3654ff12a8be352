// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * While open: what the runtime logs through {@code System.getLogger("dev.tinyrt")} (it goes to
 * java.util.logging), at every level, and every exception that ended a thread (the default
 * uncaught-exception handler's). Close it in the test's {@code @AfterEach}: the logger's level and
 * the handler are put back.
 */
public final class TinyrtLog implements AutoCloseable {

  /** The records logged since this was opened. */
  public final List<LogRecord> records = new CopyOnWriteArrayList<>();

  /** "thread: exception" for each exception that ended a thread since this was opened. */
  public final List<String> uncaught = new CopyOnWriteArrayList<>();

  private final Logger log = Logger.getLogger("dev.tinyrt");

  private final Handler collect = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private final Level previousLevel;

  private final Thread.UncaughtExceptionHandler previousHandler;

  /** Starts collecting. */
  public TinyrtLog() {
    previousLevel = log.getLevel();
    log.setLevel(Level.ALL);
    collect.setLevel(Level.ALL);
    log.addHandler(collect);
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(t.getName() + ": " + e));
  }

  @Override
  public void close() {
    log.removeHandler(collect);
    log.setLevel(previousLevel);
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
  }
}
