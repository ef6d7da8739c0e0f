package dev.shadowrouting;

import org.jspecify.annotations.Nullable;

/**
 * Per-request routing information: an optional request id (for correlating records and late
 * ground truth), an optional sampling key (so the same user is in or out of every shadow on every
 * instance, see {@link Variant#samplingRate()}) and an optional target production variant.
 *
 * <p>Immutable and thread-safe; {@link #none()} is a shared empty instance, so calls without
 * routing information allocate nothing.
 */
public final class Request {

  private static final Request NONE = new Request(null, null, null);

  private final String requestId;
  private final String samplingKey;
  private final String targetVariant;

  private Request(String requestId, String samplingKey, String targetVariant) {
    this.requestId = requestId;
    this.samplingKey = samplingKey;
    this.targetVariant = targetVariant;
  }

  /** The empty request: no id, no sampling key, no target variant. */
  public static Request none() {
    return NONE;
  }

  /** A request that carries only a sampling key. */
  public static Request withSamplingKey(String samplingKey) {
    return builder().samplingKey(samplingKey).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The caller's request id, or {@code null} (the router then generates one where a record needs it). */
  public @Nullable String requestId() {
    return requestId;
  }

  /** The sampling key, or {@code null} for random sampling. */
  public @Nullable String samplingKey() {
    return samplingKey;
  }

  /** The production variant to use instead of the weighted choice, or {@code null}. */
  public @Nullable String targetVariant() {
    return targetVariant;
  }

  @Override
  public String toString() {
    return "Request[requestId=" + requestId + ", samplingKey=" + (samplingKey == null ? null : "<set>")
        + ", targetVariant=" + targetVariant + ']';
  }

  /** Builder for {@link Request}; not thread-safe, use one per request. */
  public static final class Builder {
    private String requestId;
    private String samplingKey;
    private String targetVariant;

    private Builder() {}

    public Builder requestId(@Nullable String requestId) {
      this.requestId = requestId;
      return this;
    }

    public Builder samplingKey(@Nullable String samplingKey) {
      this.samplingKey = samplingKey;
      return this;
    }

    public Builder targetVariant(@Nullable String targetVariant) {
      this.targetVariant = targetVariant;
      return this;
    }

    public Request build() {
      if (requestId == null && samplingKey == null && targetVariant == null) {
        return NONE;
      }
      return new Request(requestId, samplingKey, targetVariant);
    }
  }
}
