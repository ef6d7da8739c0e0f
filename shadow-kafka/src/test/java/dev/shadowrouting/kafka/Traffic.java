package dev.shadowrouting.kafka;

import dev.shadowrouting.Invocation;
import dev.shadowrouting.Request;
import dev.shadowrouting.ShadowRouter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests sent to a router of the {@link FleetScenario} on a thread of their own until closed,
 * each answer checked against the variant that says it gave it.
 */
final class Traffic implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final AtomicLong back = new AtomicLong();
  private final Thread thread;

  Traffic(ShadowRouter<Integer, Integer> router) {
    thread = new Thread(() -> {
      boolean promoted = false;
      for (int i = 0; running.get(); i++) {
        try {
          Invocation<Integer> r = router.invoke(i, Request.none());
          answered.incrementAndGet();
          if (!FleetScenario.answeredBy(r.variant(), i, r.output())) {
            wrong.incrementAndGet();
          }
          promoted |= r.variant().equals("v3");
          if (promoted && r.variant().equals("v1")) {
            back.incrementAndGet();
          }
        } catch (Exception e) {
          failed.incrementAndGet();
        }
      }
    }, "traffic");
    thread.start();
  }

  long answered() {
    return answered.get();
  }

  /** Requests that threw. */
  long failed() {
    return failed.get();
  }

  /** Answers that are not what the variant named in them gives. */
  long wrong() {
    return wrong.get();
  }

  /** Answers by v1 after one by v3: the promote went back, or requests saw both in turn. */
  long back() {
    return back.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
  }

  @Override
  public String toString() {
    return "answered=" + answered() + " failed=" + failed() + " wrong=" + wrong() + " back="
        + back();
  }
}
