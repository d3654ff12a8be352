// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * A resource that belongs to whoever received it from the future that made it: a stream an
 * {@code accept} or a {@code connect} produced, a socket or file a future opened. A combinator that
 * receives one but will never hand it to anyone (a failed {@code joinAll}, a select loser that
 * finished while it unwound) closes it, as Rust drops a value nobody gets: otherwise its
 * descriptor stays open until the process ends, since nobody holds the object to close it.
 */
public interface OwnedResource extends AutoCloseable {}
