package dev.shadowrouting.kafka;

import dev.shadowrouting.Problem;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the Kafka builders check alike: the bootstrap servers, topic names, and the extra client
 * properties a user passes (security settings, tuning): each must be a setting of the Kafka client
 * it goes to (a misspelled one is an error, not ignored), and none may be one the library sets
 * itself. Stateless.
 */
final class KafkaSettings {
  /** Kafka's own rule for topic names. */
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  /** host:port, comma-separated; a host may be a name, an IPv4 or a bracketed IPv6 address. */
  private static final Pattern BOOTSTRAP =
      Pattern.compile("\\s*[^\\s,:]+(:|\\]:)\\d{1,5}\\s*(,\\s*[^\\s,:]+(:|\\]:)\\d{1,5}\\s*)*");
  /** Upper bound of the timeouts the builders take. */
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  private KafkaSettings() {}

  static void requireBootstrap(ConfigErrors errors, String bootstrap) {
    if (bootstrap == null || !BOOTSTRAP.matcher(bootstrap).matches()) {
      errors.add(new Problem("bootstrapServers", bootstrap,
          "host:port pairs separated by commas, e.g. \"broker-1:9092,broker-2:9092\""));
    }
  }

  static void requireTopic(ConfigErrors errors, String field, String topic) {
    if (topic == null || !TOPIC.matcher(topic).matches() || topic.equals(".")
        || topic.equals("..")) {
      errors.add(new Problem(field, topic, "a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -"));
    }
  }

  /**
   * Each property must be a setting of at least one of the clients ({@code known}, by client)
   * and not one the library sets ({@code owned}).
   */
  static void requireProperties(ConfigErrors errors, Map<String, Object> properties,
      Map<String, Set<String>> known, Set<String> owned) {
    for (Map.Entry<String, Object> e : properties.entrySet()) {
      String key = e.getKey();
      String field = "properties[" + key + "]";
      if (owned.contains(key)) {
        errors.add(new Problem(field, e.getValue(), "a setting the library does not set itself"
            + " (it sets " + new TreeSet<>(owned) + ")"));
      } else if (known.values().stream().noneMatch(names -> names.contains(key))) {
        errors.add(new Problem(field, e.getValue(), "a setting of the Kafka "
            + String.join(" or ", known.keySet()) + " client"));
      } else if (e.getValue() == null) {
        errors.add(new Problem(field, null, "non-null"));
      }
    }
  }
}
