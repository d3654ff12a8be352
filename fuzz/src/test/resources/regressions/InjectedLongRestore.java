// options: --release 11 -g:none
// seed: 5000021
// Found by scripts/fuzz with a deliberately injected bug (long locals restored as 0 on resume),
// kept as a fixture against that class of bug. The outputs below are the buggy run's.
/*
reference:
inst -280
result=w
rewritten:
inst -448
result=w
*/
package p0;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.fuzz.H;

public class Prog {

  final int seed;

  Prog(int seed) {
    this.seed = seed;
  }

  static Future<Integer> rec(H h, int n) {
    if (n <= 0) {
      return Future.ready(await(h.laterI(1)));
    }
    int below = await(rec(h, n - 1));
    return Future.ready(below + n);
  }

  public static Future<String> main(H h) {
    h.log("inst " + await(new Prog(2).inst(h, 44L)));
    return Future.ready("w");
  }

  static Future<Long> m1(H h, double a0) {
    return Future.ready((false ? await(h.laterJ(114L)) : (false ? 833L : 382L)));
  }

  Future<Long> inst(H h, long x) {
    return Future.ready(H.mixJ((x - 151L), await(h.laterJ(x))));
  }

}
