package dev.shadowrouting.samples.boot;

import dev.shadowrouting.Request;
import dev.shadowrouting.ShadowRouter;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /predict}: answered by the production model through the router, exactly as without
 * shadows; sampled copies go to the shadows in the background. The user id is the sampling key, so
 * a user is in or out of a shadow everywhere.
 */
@RestController
public class PredictController {

  private final ShadowRouter<Txn, Score> router;

  public PredictController(@Qualifier("fraudShadowRouter") ShadowRouter<Txn, Score> router) {
    this.router = router;
  }

  @PostMapping("/predict")
  public Score predict(@RequestBody Txn txn,
      @RequestHeader(name = "X-Request-Id", required = false) String requestId) throws Exception {
    return router.predict(txn, Request.builder()
        .requestId(requestId)
        .samplingKey(txn.userId())
        .build());
  }
}
