// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * A future that, polled with a cancelled context, passes the cancellation on to the futures it
 * awaits, so that their {@code finally} blocks run too: rewritten async methods' frames and the
 * combinators. A task's cancellation travels down to the innermost await and the exception back
 * up through every frame.
 */
public interface ForwardsCancellation {}
