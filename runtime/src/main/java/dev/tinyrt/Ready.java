// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

/** The future returned by {@link Future#ready}: complete from the start, pollable any number of times. */
final class Ready<T> implements Future<T> {

  /** The one ready poll this future returns, made once so polling allocates nothing. */
  private final Poll<T> result;

  Ready(T value) {
    this.result = Poll.ready(value);
  }

  @Override
  public Poll<T> poll(Context cx) {
    return result;
  }

  @Override
  public String toString() {
    return "Future.ready(" + result.get() + ")";
  }
}
