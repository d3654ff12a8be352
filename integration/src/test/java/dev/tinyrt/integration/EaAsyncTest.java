// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.sync.Oneshot;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * EA Async-style methods (returning {@code CompletableFuture}, {@code CompletionStage} or a
 * subclass, calling {@code await}) under the real agent: eager start, the resume thread in both
 * modes, the outcome, a subclass read through the class's own loader, a custom class loader, the
 * default package, and both ways between them and tinyrt futures.
 */
@Timeout(30)
class EaAsyncTest {

  /** EA Async's own Task is such a subclass. */
  public static class Task<T> extends CompletableFuture<T> {
    /** @return a task done with {@code value} */
    public static <T> Task<T> done(T value) {
      Task<T> t = new Task<>();
      t.complete(value);
      return t;
    }
  }

  /** The methods under test, in a class of their own so a custom loader can define it again. */
  public static class Store {
    /** What the methods did, and on which thread. */
    public final List<String> log = new ArrayList<>();

    public CompletableFuture<Boolean> buyItem(
        CompletionStage<Boolean> decrement, CompletableFuture<String> giveItem) {
      log.add("start on " + Thread.currentThread().getName());
      if (!await(decrement)) {
        return CompletableFuture.completedFuture(false);
      }
      log.add("decremented on " + Thread.currentThread().getName());
      await(giveItem);
      return CompletableFuture.completedFuture(true);
    }

    public Task<String> task(CompletableFuture<String> a) throws IOException {
      String s = await(a);
      if (s.isEmpty()) {
        throw new IOException("empty");
      }
      return Task.done(s.toUpperCase());
    }

    public CompletableFuture<String> fromOneshot(Oneshot.Receiver<String> receiver) {
      return CompletableFuture.completedFuture("got " + await(receiver));
    }
  }

  /** A tinyrt async method awaiting what an EA-style method returns. */
  static Future<String> awaitsAStore(Store store, CompletableFuture<String> a)
      throws IOException {
    String upper = await(store.task(a));
    return Future.ready("tinyrt saw " + upper);
  }

  static void completeOn(String thread, Runnable completion) throws InterruptedException {
    Thread t = new Thread(completion, thread);
    t.start();
    t.join();
  }

  @Test
  void theBodyStartsHereAndResumesOnTheCompletingThread() throws InterruptedException {
    Store store = new Store();
    CompletableFuture<Boolean> decrement = new CompletableFuture<>();
    CompletableFuture<String> giveItem = new CompletableFuture<>();
    String me = Thread.currentThread().getName();

    CompletableFuture<Boolean> bought = store.buyItem(decrement, giveItem);
    assertEquals(List.of("start on " + me), store.log);
    assertFalse(bought.isDone());

    completeOn("bank", () -> decrement.complete(true));
    assertEquals(List.of("start on " + me, "decremented on bank"), store.log);
    completeOn("inventory", () -> giveItem.complete("sword"));
    assertTrue(bought.join());
  }

  @Test
  void inRuntimeModeItResumesOnATinyrtWorker() {
    System.setProperty("tinyrt.ea.resume", "runtime");
    try {
      Store store = new Store();
      CompletableFuture<Boolean> decrement = new CompletableFuture<>();
      CompletableFuture<Boolean> bought =
          store.buyItem(decrement, CompletableFuture.completedFuture("sword"));
      decrement.complete(true); // this thread completes it; a worker resumes the method
      assertTrue(bought.join());
      assertTrue(store.log.get(1).startsWith("decremented on tinyrt-ea-worker-"), store.log.get(1));
    } finally {
      System.clearProperty("tinyrt.ea.resume");
    }
  }

  @Test
  void aSubclassReturnTypeGetsItsOwnClassAndFailuresComeOutUnwrapped() throws IOException {
    Store store = new Store();
    CompletableFuture<String> a = new CompletableFuture<>();
    Task<String> task = store.task(a);
    assertSame(Task.class, task.getClass());
    a.complete("");
    CompletionException e = assertThrows(CompletionException.class, task::join);
    assertTrue(e.getCause() instanceof IOException, e.toString());
    assertEquals("empty", e.getCause().getMessage());
  }

  @Test
  void tinyrtFuturesAndEaStyleMethodsAwaitEachOther() throws IOException {
    Oneshot.Channel<String> channel = Oneshot.channel();
    CompletableFuture<String> got = new Store().fromOneshot(channel.receiver());
    assertFalse(got.isDone());
    channel.sender().send("x");
    assertEquals("got x", got.join());

    CompletableFuture<String> a = CompletableFuture.completedFuture("abc");
    assertEquals("tinyrt saw ABC", Async.blockOn(awaitsAStore(new Store(), a)));
  }

  @Test
  void theDefaultPackage() throws Exception {
    Method twice = Class.forName("EaNoPackage").getMethod("twice", CompletableFuture.class);
    CompletableFuture<String> a = new CompletableFuture<>();
    @SuppressWarnings("unchecked")
    CompletableFuture<String> result = (CompletableFuture<String>) twice.invoke(null, a);
    a.complete("ab");
    assertEquals("abab", result.join());
  }

  @Test
  void aClassFromACustomLoaderIsRewrittenItsHierarchyReadThroughThatLoader() throws Exception {
    String name = Store.class.getName();
    ClassLoader custom = new ClassLoader(EaAsyncTest.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
        if (!n.equals(name)) {
          return super.loadClass(n, resolve);
        }
        synchronized (getClassLoadingLock(n)) {
          Class<?> c = findLoadedClass(n);
          if (c == null) {
            try (InputStream in = getResourceAsStream(n.replace('.', '/') + ".class")) {
              byte[] bytes = in.readAllBytes();
              c = defineClass(n, bytes, 0, bytes.length);
            } catch (IOException e) {
              throw new ClassNotFoundException(n, e);
            }
          }
          return c;
        }
      }
    };
    Class<?> again = custom.loadClass(name);
    assertNotSame(Store.class, again);
    Object store = again.getConstructor().newInstance();
    CompletableFuture<String> a = new CompletableFuture<>();
    Object task = again.getMethod("task", CompletableFuture.class).invoke(store, a);
    assertSame(Task.class, task.getClass());
    a.complete("custom");
    assertEquals("CUSTOM", ((Task<?>) task).join());
  }
}
