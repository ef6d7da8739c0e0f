package dev.shadowrouting.samples.boot;

import dev.shadowrouting.ShadowContext;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * A side effect models have: raising a fraud alert. Shadow calls must not raise real alerts, so it
 * asks {@link ShadowContext#isShadow()} first: true only inside a shadow call, on the shadow pool.
 */
@Component
public class AlertLog {

  private final AtomicLong raised = new AtomicLong();
  private final AtomicLong skippedInShadow = new AtomicLong();

  /** Raises an alert, unless this is a shadow call (then it only counts the skip). */
  public void raise(String userId, double score) {
    if (ShadowContext.isShadow()) {
      skippedInShadow.incrementAndGet();
      return;
    }
    raised.incrementAndGet(); // a real service would page someone or write to a queue here
  }

  public long raised() {
    return raised.get();
  }

  public long skippedInShadow() {
    return skippedInShadow.get();
  }
}
