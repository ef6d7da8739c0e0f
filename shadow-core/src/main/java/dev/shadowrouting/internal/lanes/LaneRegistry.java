package dev.shadowrouting.internal.lanes;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.ledger.VariantLedger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The endpoint's configuration at run time: the one owner of the compiled {@link Routing} the
 * caller's path reads, of the per-variant {@link VariantLedger}s, and of the shadow tests' lanes.
 * Every change goes through one lock and one compile, then one volatile write: {@code update}, a
 * test's lanes added or removed, a sampling rate, a shadow discarded, and the one promote
 * primitive ({@link #promote}) that the router, a test and the operations API all call. No user
 * code runs under the lock. Thread-safe.
 */
public final class LaneRegistry<I, O> {
  private final String endpoint;
  private final Object lock = new Object();
  /** By variant name, in order of appearance; guarded by lock, read through {@link #ledgers}. */
  private final Map<String, VariantLedger> ledgers = new LinkedHashMap<>();
  private volatile List<VariantLedger> ledgerList = List.of();
  private volatile Routing<I, O> routing;
  /** Running tests by the names of their lanes (candidate and A/A copy); guarded by lock. */
  private final Map<String, TestLane<I, O>> testLanes = new LinkedHashMap<>();
  /** Candidates of every test started (for a helpful error); guarded by lock. */
  private final Set<String> testedCandidates = new HashSet<>();
  private boolean closed; // guarded by lock

  public LaneRegistry(EndpointConfig<I, O> config) {
    this.endpoint = config.name();
    synchronized (lock) {
      this.routing = compile(config);
    }
  }

  /** The configuration the caller's path uses now. */
  public Routing<I, O> routing() {
    return routing;
  }

  public EndpointConfig<I, O> config() {
    return routing.config;
  }

  /** Every variant's ledger, active or still draining. */
  public List<VariantLedger> ledgers() {
    return ledgerList;
  }


  /** Refuses every later change; false if it was closed already. */
  public boolean close() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    }
  }

  /** Compiles a configuration; must hold the lock (it creates and flags ledgers). */
  private Routing<I, O> compile(EndpointConfig<I, O> config) {
    for (VariantLedger c : ledgers.values()) {
      c.deactivate();
    }
    Map<String, Role> roles = new HashMap<>();
    config.productionVariants().forEach(v -> roles.put(v.name(), Role.PRODUCTION));
    config.shadowVariants().forEach(v -> roles.put(v.name(), Role.SHADOW));
    Routing<I, O> compiled = new Routing<>(config, variant -> {
      VariantLedger c = ledgers.computeIfAbsent(
          variant, n -> new VariantLedger(endpoint, n, roles.get(n)));
      c.activate(roles.get(variant));
      return c;
    }, testLanes::get);
    // Statistics retire with their variant (each holds histograms of ~100 KB): a removed variant
    // stays listed only while copies of it still run or hang; copies that end later count into
    // the retired object, which goes when they do. A shadow test keeps its candidate's numbers.
    ledgers.values().removeIf(VariantLedger::retired);
    ledgerList = List.copyOf(ledgers.values());
    return compiled;
  }

  /** Compiles {@code next} and publishes it; must hold the lock. */
  private void publish(EndpointConfig<I, O> next) {
    routing = compile(next);
  }

  // ---- update ----------------------------------------------------------------------------------

  public void update(EndpointConfig<I, O> next) {
    synchronized (lock) {
      EndpointConfig<I, O> current = routing.config;
      List<String> changed = new ArrayList<>();
      check(changed, "name", current.name(), next.name());
      check(changed, "workerThreads", current.workerThreads(), next.workerThreads());
      check(changed, "queueCapacity", current.queueCapacity(), next.queueCapacity());
      check(changed, "sinkBufferCapacity", current.sinkBufferCapacity(),
          next.sinkBufferCapacity());
      check(changed, "closeTimeout", current.closeTimeout(), next.closeTimeout());
      if (current.fleet() != next.fleet()) {
        changed.add("fleet cannot change on a running router");
      }
      if (!sameSinks(current.sinks(), next.sinks())) {
        changed.add("sinks cannot change on a running router");
      }
      if (!changed.isEmpty()) {
        throw new IllegalArgumentException("update of endpoint '" + endpoint + "' is invalid: "
            + String.join("; ", changed) + " (create a new router for these)");
      }
      publish(withTests(next));
    }
  }

  private static void check(List<String> changed, String field, Object was, Object now) {
    if (!was.equals(now)) {
      changed.add(field + " cannot change on a running router (was " + was + ", now " + now + ")");
    }
  }

  private static boolean sameSinks(List<ShadowSink> a, List<ShadowSink> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code next} with the lanes of the running tests: a test owns its candidate (and A/A copy)
   * until it ends, so an update that leaves them out keeps them, and one that changes them is
   * refused. Must hold the lock.
   */
  private EndpointConfig<I, O> withTests(EndpointConfig<I, O> next) {
    if (testLanes.isEmpty()) {
      return next;
    }
    List<String> problems = new ArrayList<>();
    for (Variant<I, O> v : next.productionVariants()) {
      if (testLanes.containsKey(v.name())) {
        problems.add("'" + v.name() + "' cannot be a production variant: it belongs to a running"
            + " shadow test (promote it through the test)");
      }
    }
    List<Variant<I, O>> shadows = new ArrayList<>();
    for (Variant<I, O> v : next.shadowVariants()) {
      TestLane<I, O> t = testLanes.get(v.name());
      if (t == null) {
        shadows.add(v);
      } else if (!v.equals(v.name().equals(t.candidateName()) ? t.candidateVariant()
          : t.noiseVariant())) {
        problems.add("shadow variant '" + v.name() + "' belongs to a running shadow test: change"
            + " it through the test (setSamplingRate) or stop the test first");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("update of endpoint '" + endpoint + "' is invalid: "
          + String.join("; ", problems));
    }
    for (TestLane<I, O> t : new java.util.LinkedHashSet<>(testLanes.values())) {
      addLanes(shadows, t);
    }
    return next.toBuilder().shadowVariants(shadows).build();
  }

  /** The candidate, then its A/A copy (which follows the candidate's sampling). */
  private static <I, O> void addLanes(List<Variant<I, O>> shadows, TestLane<I, O> t) {
    shadows.add(t.candidateVariant());
    if (t.noiseVariant() != null) {
      shadows.add(t.noiseVariant());
    }
  }

  /** The shadow variants of the current configuration but those {@code drop} names. */
  private List<Variant<I, O>> shadowsWithout(Predicate<String> drop) {
    List<Variant<I, O>> shadows = new ArrayList<>();
    for (Variant<I, O> v : routing.config.shadowVariants()) {
      if (!drop.test(v.name())) {
        shadows.add(v);
      }
    }
    return shadows;
  }

  /** The current shadow variants, those {@code rated} names at {@code rate}; must hold the lock. */
  private List<Variant<I, O>> shadowsAtRate(Predicate<String> rated, double rate) {
    List<Variant<I, O>> shadows = new ArrayList<>();
    for (Variant<I, O> v : routing.config.shadowVariants()) {
      shadows.add(rated.test(v.name()) ? v.toBuilder().samplingRate(rate).build() : v);
    }
    return shadows;
  }

  private static <I, O> Variant<I, O> named(List<Variant<I, O>> variants, String name) {
    for (Variant<I, O> v : variants) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    throw new IllegalStateException("no variant '" + name + "' among " + variants);
  }

  private static Predicate<String> lanesOf(TestLane<?, ?> t) {
    return n -> n.equals(t.candidateName()) || n.equals(t.noiseName());
  }

  // ---- shadow tests' lanes ---------------------------------------------------------------------

  /**
   * Adds a new test's candidate (and A/A copy) as shadows, refusing names the endpoint already
   * has, but for the plain shadow variant of the candidate's name when {@code takeOver}: the test
   * replaces it in the same swap (its statistics carry on under the name). The ledgers are
   * attached before the lanes are published, so no rejection of the candidate predates its
   * baseline.
   */
  public void addTest(TestLane<I, O> test, boolean takeOver) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("endpoint '" + endpoint
            + "' is closed: cannot start a shadow test");
      }
      EndpointConfig<I, O> current = routing.config;
      List<String> production = names(current.productionVariants());
      List<String> shadows = names(current.shadowVariants());
      String candidate = test.candidateName();
      String noise = test.noiseName();
      if (takeOver) {
        plainShadow(candidate, "start a shadow test of");
      }
      for (String n : noise == null ? List.of(candidate) : List.of(candidate, noise)) {
        boolean taken = shadows.contains(n) && !(takeOver && n.equals(candidate));
        if (production.contains(n) || taken) {
          throw new IllegalArgumentException("cannot start a shadow test of '" + candidate
              + "': the name '" + n + "' is already a variant of endpoint '" + endpoint
              + "' (production " + production + ", shadows " + shadows + ")");
        }
      }
      testLanes.put(candidate, test);
      if (noise != null) {
        testLanes.put(noise, test);
      }
      Routing<I, O> compiled;
      try {
        List<Variant<I, O>> next = takeOver ? shadowsWithout(candidate::equals)
            : new ArrayList<>(current.shadowVariants());
        addLanes(next, test);
        compiled = compile(current.toBuilder().shadowVariants(next).build());
      } catch (RuntimeException e) {
        testLanes.remove(candidate);
        testLanes.remove(noise);
        throw e;
      }
      test.attach(ledgers.get(candidate), noise == null ? null : ledgers.get(noise));
      testedCandidates.add(candidate);
      routing = compiled;
    }
  }

  /** The names of the production variants now. */
  public List<String> productionNames() {
    return names(routing.config.productionVariants());
  }

  private static List<String> names(List<? extends Variant<?, ?>> variants) {
    return variants.stream().map(Variant::name).toList();
  }

  /** Removes an ended test's lanes; nothing if they are gone already. */
  public void removeTest(TestLane<I, O> t) {
    synchronized (lock) {
      if (testLanes.get(t.candidateName()) != t) {
        return;
      }
      forget(t);
      publish(routing.config.toBuilder().shadowVariants(shadowsWithout(lanesOf(t))).build());
    }
  }

  private void forget(TestLane<I, O> t) {
    testLanes.remove(t.candidateName());
    if (t.noiseName() != null) {
      testLanes.remove(t.noiseName());
    }
  }

  public void changeSamplingRate(TestLane<I, O> t, double rate) {
    synchronized (lock) {
      if (testLanes.get(t.candidateName()) != t || !t.isRunning()) {
        throw new IllegalStateException("shadow test of '" + t.candidateName()
            + "' has ended: its sampling rate can no longer change");
      }
      List<Variant<I, O>> shadows = shadowsAtRate(lanesOf(t), rate);
      Routing<I, O> compiled =
          compile(routing.config.toBuilder().shadowVariants(shadows).build());
      Variant<I, O> candidate = named(shadows, t.candidateName());
      Variant<I, O> noise = t.noiseName() == null ? null : named(shadows, t.noiseName());
      t.samplingRateChanged(candidate, noise);
      routing = compiled;
    }
  }

  // ---- plain shadows ----------------------------------------------------------------------------

  /** Changes a plain shadow's sampling rate (a test's candidate changes through its test). */
  public void setShadowSamplingRate(String shadow, double rate) {
    synchronized (lock) {
      plainShadow(shadow, "change the sampling rate of");
      publish(routing.config.toBuilder()
          .shadowVariants(shadowsAtRate(shadow::equals, rate)).build());
    }
  }

  /** Removes a plain shadow from the endpoint. */
  public void discardShadow(String shadow) {
    synchronized (lock) {
      plainShadow(shadow, "discard");
      publish(routing.config.toBuilder()
          .shadowVariants(shadowsWithout(shadow::equals)).build());
    }
  }

  /** The plain (not under test) shadow variant named {@code name}, or null. */
  public Variant<I, O> findPlainShadow(String name) {
    synchronized (lock) {
      if (testLanes.containsKey(name)) {
        return null;
      }
      for (Variant<I, O> v : routing.config.shadowVariants()) {
        if (v.name().equals(name)) {
          return v;
        }
      }
      return null;
    }
  }

  /** The names of the plain (not under test) shadow variants. */
  public List<String> plainShadowNames() {
    synchronized (lock) {
      return names(shadowsWithout(testLanes::containsKey));
    }
  }

  /** The plain (not under test) shadow named {@code name}; must hold the lock. */
  private Variant<I, O> plainShadow(String name, String verb) {
    if (testLanes.containsKey(name)) {
      throw new IllegalStateException("cannot " + verb + " '" + name + "': it belongs to a"
          + " running shadow test; use that test (stop, promote, discard, setSamplingRate)");
    }
    Variant<I, O> found = findPlainShadow(name);
    if (found != null) {
      return found;
    }
    throw new IllegalArgumentException("cannot " + verb + " '" + name + "': it is not a shadow"
        + " variant of endpoint '" + endpoint + "'; shadow variants are "
        + names(routing.config.shadowVariants())
        + (testedCandidates.contains(name) ? " ('" + name + "' was the candidate of a shadow"
            + " test that ended: act on it through that test, see tests())" : ""));
  }

  // ---- the one promote primitive ---------------------------------------------------------------

  /**
   * Makes a shadow the only production variant (weight 1) in one configuration swap: a plain
   * shadow ({@code test == null}) or an ended test's candidate, whose lanes go in the same swap.
   * No request is lost or fails during it.
   *
   * @return the production variants it replaced
   */
  public List<String> promote(String shadow, TestLane<I, O> test) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("endpoint '" + endpoint + "' is closed: cannot promote '"
            + shadow + "'");
      }
      Variant<I, O> promoted;
      Predicate<String> drop;
      if (test == null) {
        promoted = plainShadow(shadow, "promote");
        drop = shadow::equals;
      } else {
        promoted = test.candidateVariant();
        drop = lanesOf(test);
        if (testLanes.get(test.candidateName()) == test) {
          forget(test);
        }
      }
      EndpointConfig<I, O> current = routing.config;
      List<String> replaced = names(current.productionVariants());
      publish(current.toBuilder()
          .productionVariants(List.of(promoted.toBuilder().weight(1.0).build()))
          .shadowVariants(shadowsWithout(drop))
          .build());
      return replaced;
    }
  }
}
