// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A weak reference usable as a hash-map key: equal to another key of the same referent (by
 * identity) while that referent is alive, and only to itself once it was collected, so a map keyed
 * by it neither keeps its referents alive nor loses the entry of a collected one before the queue
 * hands it back.
 */
class IdentityWeakKey extends WeakReference<Object> {

  /** The referent's identity hash, kept once the referent is gone. */
  private final int hash;

  IdentityWeakKey(Object referent, ReferenceQueue<Object> queue) {
    super(referent, queue);
    this.hash = System.identityHashCode(referent);
  }

  @Override
  public final int hashCode() {
    return hash;
  }

  @Override
  public final boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof IdentityWeakKey other) || other.hash != hash) {
      return false;
    }
    Object referent = get();
    return referent != null && referent == other.get();
  }
}
