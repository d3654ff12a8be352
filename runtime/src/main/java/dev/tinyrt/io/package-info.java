// SPDX-License-Identifier: Apache-2.0
/**
 * Sockets and files as futures: {@link dev.tinyrt.io.TcpListener}, {@link dev.tinyrt.io.TcpStream}
 * (with {@link dev.tinyrt.io.LineReader}), {@link dev.tinyrt.io.UdpSocket} and {@link
 * dev.tinyrt.io.AsyncFile}, woken by one {@link dev.tinyrt.io.IoDriver} (a selector and the
 * thread that selects on it: its own, or, with {@code IoDriver.of(runtime)}, a current-thread
 * runtime's driving thread or a per-worker runtime's worker when it has no task to run). A socket
 * opened without a driver is served by the runtime it is opened on (a task of it, or its {@code
 * blockOn}), and by {@code IoDriver.system()} outside every runtime. Every waiting operation is a
 * leaf future that, dropped by a timeout, a select or an
 * abort, leaves no interest on the selector and holds no waker; closing a socket cancels its key
 * and releases its descriptor.
 */
package dev.tinyrt.io;
