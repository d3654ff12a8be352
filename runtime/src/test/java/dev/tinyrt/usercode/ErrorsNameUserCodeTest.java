// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.usercode;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.SourceLines;
import dev.tinyrt.internal.CallSite;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import dev.tinyrt.rt.AsyncRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/**
 * Errors raised deep inside the runtime name the user's code, class, method and File.java:line,
 * not a tinyrt frame. This test lives outside tinyrt's runtime packages on purpose: to the runtime,
 * it is the user.
 */
class ErrorsNameUserCodeTest {

  /** Any free port on the loopback interface. */
  private static final InetSocketAddress ANY =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @Test
  void aSocketRefusedByAShutDownRuntimeNamesWhereItWasOpened() throws IOException {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    rt.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> IoDriver.of(rt)); // opened here
    String where = ErrorsNameUserCodeTest.class.getName()
        + ".lambda$aSocketRefusedByAShutDownRuntimeNamesWhereItWasOpened$0 (ErrorsNameUserCodeTest"
        + ".java:" + SourceLines.lineOf(ErrorsNameUserCodeTest.class, "// opened here") + ")";
    assertTrue(e.getMessage().contains("is shut down: open its sockets before close()"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("(the socket was opened in " + where + ")"),
        e.getMessage());
  }

  @Test
  void anOperationThatCannotWaitNamesTheUsersPollThatAwaitedIt() throws IOException {
    AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("stopped").build();
    try (TcpListener listener = TcpListener.bind(ANY, IoDriver.of(rt))) {
      rt.close();
      Future<TcpStream> users = new AcceptOnce(listener);
      IOException e = assertThrows(IOException.class,
          () -> users.poll(new CountingWaker().context()));
      assertTrue(e.getMessage().contains("runtime stopped was shut down"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(awaited in " + AcceptOnce.class.getName() + ".poll ("
          + "ErrorsNameUserCodeTest.java:"
          + SourceLines.lineOf(ErrorsNameUserCodeTest.class, "// awaited here") + "))"),
          e.getMessage());
    }
  }

  @Test
  void aStackOfOnlyTheJdksAndTinyrtsFramesNamesNoUserCode() throws Exception {
    // The thread runs CallSite.userCode through the JDK's FutureTask and Thread.run alone (the
    // method reference's class is hidden, so its frame is not walked).
    FutureTask<String> task = new FutureTask<>(CallSite::userCode);
    new Thread(task, "no-user-frames").start();
    assertNull(task.get(), "named a frame that is the JDK's or tinyrt's");
    assertTrue(CallSite.userCode().startsWith(ErrorsNameUserCodeTest.class.getName() + "."),
        "from this test, the test is the user's code: " + CallSite.userCode());
  }

  /** The user's own future: polls an accept, as an async method's frame does at its await. */
  private static final class AcceptOnce implements Future<TcpStream> {

    /** The accept it awaits. */
    private final Future<TcpStream> accept;

    AcceptOnce(TcpListener listener) {
      this.accept = listener.accept();
    }

    @Override
    public Poll<TcpStream> poll(Context cx) {
      return accept.poll(cx); // awaited here
    }
  }
}
