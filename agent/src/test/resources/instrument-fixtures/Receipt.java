// SPDX-License-Identifier: Apache-2.0
package fixture;

import java.util.concurrent.CompletableFuture;

/** A user's own CompletableFuture subclass, as EA Async users return (EA's own Task is one). */
public class Receipt<T> extends CompletableFuture<T> {}
