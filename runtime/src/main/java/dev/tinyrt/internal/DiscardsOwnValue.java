// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * A combinator whose value holds its children's values ({@code joinAll}'s list, {@code select}'s
 * {@code Selected}, {@code race}'s and {@code timeout}'s winner): when an outer combinator discards
 * that value (it failed, was cancelled, or this one lost), this one gives back what in it must be,
 * knowing which child made each part (a {@link dev.tinyrt.internal.Grant} is closed wherever it
 * is, a {@link ResourceMaker}'s stream only if that child made it). Without it a permit won by an
 * inner select inside a failed joinAll was never given back.
 */
public interface DiscardsOwnValue {

  /**
   * Gives back what in {@code value}, this combinator's own value, nobody will see.
   *
   * @param value what this returned, may be null
   * @return whether something was given back
   */
  boolean discardValue(Object value);
}
