// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-time warning for a {@code java.util.concurrent.locks.Lock} held across an await. */
class LockWarningsTest {

  /** Each method is a case; the ones named held* must warn, at the line marked "// parks". */
  private static final String LEDGER = """
      package shop;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Future;
      import java.util.concurrent.locks.Lock;
      import java.util.concurrent.locks.ReentrantLock;
      import java.util.concurrent.locks.ReentrantReadWriteLock;

      public class Ledger {
        static Future<Long> heldAcrossAwait(Lock lock, Future<Long> price) {
          lock.lock();
          try {
            return Future.ready(await(price)); // parks
          } finally {
            lock.unlock();
          }
        }

        static Future<Long> heldOnTryLock(ReentrantLock lock, Future<Long> price) {
          long total = 0;
          if (lock.tryLock()) {
            try {
              total = await(price); // parks
            } finally {
              lock.unlock();
            }
          }
          return Future.ready(total);
        }

        static Future<Long> heldOnOneBranch(ReentrantReadWriteLock rw, boolean write, Future<Long> p) {
          if (write) {
            rw.writeLock().lock();
          }
          long v = await(p); // parks
          if (write) {
            rw.writeLock().unlock();
          }
          return Future.ready(v);
        }

        static Future<Long> unlockedInFinallyBeforeAwait(Lock lock, Future<Long> price) {
          long copy;
          lock.lock();
          try {
            copy = 1;
          } finally {
            lock.unlock();
          }
          return Future.ready(copy + await(price));
        }

        static Future<Long> notTakenWhenTryLockFails(Lock lock, Future<Long> price) {
          if (!lock.tryLock()) {
            return Future.ready(await(price));
          }
          try {
            return Future.ready(0L);
          } finally {
            lock.unlock();
          }
        }
      }
      """;

  @TempDir static Path temp;

  /** The fixture's warnings. */
  private static List<String> warnings;

  @BeforeAll
  static void compile() throws IOException {
    Path classes = Javac.compile(temp.resolve("classes"), "-g", Map.of("shop/Ledger.java", LEDGER));
    warnings = LoadTimeWarnings.of(
        Files.readAllBytes(classes.resolve("shop/Ledger.class")), AllowList.NONE);
  }

  @Test
  void aLockHeldAcrossAnAwaitIsReportedWithTheMutexToUseInstead() {
    assertEquals(
        "tinyrt: Ledger.heldAcrossAwait (Ledger.java:" + parks(0) + ") awaits while a "
            + "java.util.concurrent.locks.Lock taken at line " + (parks(0) - 2) + " may still be "
            + "held: the task parks holding it, every thread that wants it blocks until the task "
            + "resumes, and it may resume on another thread, which cannot unlock it. Unlock before "
            + "the await (in a finally), or use dev.tinyrt.sync.Mutex, whose guard may be held "
            + "across awaits: try (var guard = await(mutex.lock())) { ... }",
        warnings.get(0));
  }

  @Test
  void onlyThePathsThatHoldALockWarn() {
    // A successful tryLock and a lock on one branch warn; an unlock in finally before the await
    // and the branch where tryLock failed do not.
    assertEquals(
        List.of("Ledger.heldAcrossAwait (Ledger.java:" + parks(0) + ")",
            "Ledger.heldOnTryLock (Ledger.java:" + parks(1) + ")",
            "Ledger.heldOnOneBranch (Ledger.java:" + parks(2) + ")"),
        warnings.stream().map(w -> w.substring("tinyrt: ".length(), w.indexOf(')') + 1)).toList());
  }

  /** The line of the {@code n}-th await marked {@code // parks}. */
  private static int parks(int n) {
    String[] lines = LEDGER.split("\n");
    for (int i = 0, seen = 0; i < lines.length; i++) {
      if (lines[i].endsWith("// parks") && seen++ == n) {
        return i + 1;
      }
    }
    throw new IllegalStateException("no await " + n);
  }
}
