// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.Log;

/** A Maven log that keeps each line as {@code LEVEL text}, for tests to read. */
final class RecordingLog implements Log {

  /** Every line logged, in order, as {@code "info rewrote ..."}, {@code "error refused ..."}. */
  final List<String> lines = new ArrayList<>();

  /**
   * @param level {@code debug}, {@code info}, {@code warn} or {@code error}
   * @return the text of the lines logged at that level
   */
  List<String> at(String level) {
    return lines.stream()
        .filter(line -> line.startsWith(level + " "))
        .map(line -> line.substring(level.length() + 1))
        .toList();
  }

  private void log(String level, CharSequence content, Throwable error) {
    lines.add(level + " " + (content == null ? "" : content)
        + (error == null ? "" : (content == null ? "" : ": ") + error));
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public void debug(CharSequence content) {
    log("debug", content, null);
  }

  @Override
  public void debug(CharSequence content, Throwable error) {
    log("debug", content, error);
  }

  @Override
  public void debug(Throwable error) {
    log("debug", null, error);
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public void info(CharSequence content) {
    log("info", content, null);
  }

  @Override
  public void info(CharSequence content, Throwable error) {
    log("info", content, error);
  }

  @Override
  public void info(Throwable error) {
    log("info", null, error);
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public void warn(CharSequence content) {
    log("warn", content, null);
  }

  @Override
  public void warn(CharSequence content, Throwable error) {
    log("warn", content, error);
  }

  @Override
  public void warn(Throwable error) {
    log("warn", null, error);
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  public void error(CharSequence content) {
    log("error", content, null);
  }

  @Override
  public void error(CharSequence content, Throwable error) {
    log("error", content, error);
  }

  @Override
  public void error(Throwable error) {
    log("error", null, error);
  }
}
