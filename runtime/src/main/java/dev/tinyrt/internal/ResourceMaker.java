// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * A future whose value is a resource it made for its awaiter alone (an accept's or a connect's new
 * stream): nobody else holds it. A combinator that receives such a value but will never hand it to
 * anyone (a failed or cancelled {@code joinAll}) closes it, as Rust drops a value nobody gets;
 * otherwise its descriptor would stay open until the process ends. Only the future that made the
 * value says so: the same stream returned by {@code Future.ready(stream)}, a shared handle or the
 * user's own method may be held elsewhere, and is left alone.
 */
public interface ResourceMaker {}
