package dev.shadowrouting.samples.boot;

import dev.shadowrouting.Request;
import dev.shadowrouting.ShadowRouter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends the fraud endpoint a steady stream of random transactions
 * ({@code demo.traffic.requests-per-second}, 0 to switch it off) from one daemon thread, so the
 * dashboard has live numbers without a load tool. Started with the application, stopped before
 * the routers close. {@code samples/spring-boot/load.sh} sends real HTTP requests instead.
 */
@Component
public class TrafficGenerator implements SmartLifecycle {

  private final ShadowRouter<Txn, Score> router;
  private final int requestsPerSecond;
  private volatile Thread thread;

  public TrafficGenerator(@Qualifier("fraudShadowRouter") ShadowRouter<Txn, Score> router,
      @Value("${demo.traffic.requests-per-second:200}") int requestsPerSecond) {
    this.router = router;
    this.requestsPerSecond = requestsPerSecond;
  }

  @Override
  public void start() {
    if (requestsPerSecond <= 0) {
      return;
    }
    Thread t = new Thread(this::run, "demo-traffic");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void run() {
    SplittableRandom random = new SplittableRandom(42);
    long gap = TimeUnit.SECONDS.toNanos(1) / requestsPerSecond;
    long next = System.nanoTime();
    long n = 0;
    while (thread == Thread.currentThread()) {
      Txn txn = new Txn("user-" + random.nextInt(5_000), random.nextDouble() * 2_000,
          random.nextInt(10), random.nextInt(10) == 0);
      try {
        router.predict(txn, Request.builder().requestId("demo-" + n++)
            .samplingKey(txn.userId()).build());
      } catch (Exception e) {
        // a production error is the caller's business; the demo just goes on
      }
      next += gap;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
        next = System.nanoTime(); // fell behind (a pause): do not burst to catch up
      }
    }
  }

  @Override
  public void stop() {
    Thread t = thread;
    thread = null;
    if (t != null) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return thread != null;
  }
}
