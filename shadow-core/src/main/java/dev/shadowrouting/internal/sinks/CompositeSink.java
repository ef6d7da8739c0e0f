package dev.shadowrouting.internal.sinks;

import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.internal.util.Rethrow;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Delivers each record to several sinks in order. Each call is guarded: one sink that throws does
 * not keep the record from the others; the first failure is rethrown after all ran, so the router
 * counts it as a failed delivery. Thread-safe if its sinks are.
 */
public final class CompositeSink implements ShadowSink {
  private final List<ShadowSink> sinks;

  public CompositeSink(List<ShadowSink> sinks) {
    for (ShadowSink s : sinks) {
      Objects.requireNonNull(s, "sinks must not contain null");
    }
    this.sinks = List.copyOf(sinks);
  }

  @Override
  public void accept(ShadowRecord record) {
    forEach(s -> s.accept(record));
  }

  @Override
  public void flush() {
    forEach(ShadowSink::flush);
  }

  @Override
  public void onAttach(String endpoint, Supplier<RouterSnapshot> snapshot) {
    forEach(s -> s.onAttach(endpoint, snapshot));
  }

  @Override
  public void onDetach(String endpoint) {
    forEach(s -> s.onDetach(endpoint));
  }

  @Override
  public List<ContextPropagator<?>> contextPropagators() {
    List<ContextPropagator<?>> all = new ArrayList<>();
    for (ShadowSink s : sinks) {
      all.addAll(s.contextPropagators());
    }
    return all;
  }

  @Override
  public String name() {
    StringBuilder sb = new StringBuilder("composite(");
    for (int i = 0; i < sinks.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(sinks.get(i).name());
    }
    return sb.append(')').toString();
  }

  private void forEach(java.util.function.Consumer<ShadowSink> action) {
    // Throwable, not RuntimeException: an Error from one sink (say a NoClassDefFoundError of a
    // missing optional dependency) must not keep the record from the sinks after it.
    Throwable first = null;
    for (ShadowSink s : sinks) {
      try {
        action.accept(s);
      } catch (Throwable e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw Rethrow.<RuntimeException>sneaky(first); // the router counts and logs it
    }
  }
}
