package dev.shadowrouting.onnx;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * An immutable ONNX map, with the key and value types ONNX Runtime supports: keys
 * {@link ElementType#INT64} ({@link Long}) or {@link ElementType#STRING} ({@link String}), values
 * {@link ElementType#FLOAT} ({@link Float}), {@link ElementType#DOUBLE} ({@link Double}),
 * {@link ElementType#INT64} ({@link Long}) or {@link ElementType#STRING} ({@link String}). The
 * usual one is a row of class probabilities, {@code map(INT64, FLOAT)} or
 * {@code map(STRING, FLOAT)}, inside a {@link SequenceValue}.
 *
 * <p>Entries are kept sorted by key (numerically or by {@link String#compareTo}), so equal maps
 * print and iterate alike whatever order ONNX Runtime returned them in.
 *
 * <p>Immutable and thread-safe.
 */
public final class MapValue implements ModelValue {
  private static final Set<ElementType> KEY_TYPES = EnumSet.of(ElementType.INT64,
      ElementType.STRING);
  private static final Set<ElementType> VALUE_TYPES = EnumSet.of(ElementType.FLOAT,
      ElementType.DOUBLE, ElementType.INT64, ElementType.STRING);

  private final ElementType keyType;
  private final ElementType valueType;
  private final Map<Object, Object> entries;

  private MapValue(ElementType keyType, ElementType valueType, Map<Object, Object> entries) {
    this.keyType = keyType;
    this.valueType = valueType;
    this.entries = entries;
  }

  /**
   * A map of the given types holding a copy of {@code entries}: for example
   * {@code MapValue.of(ElementType.INT64, ElementType.FLOAT, Map.of(0L, 0.2f, 1L, 0.8f))}.
   *
   * @throws IllegalArgumentException if {@code keyType} is not INT64 or STRING, {@code valueType}
   *     is not FLOAT, DOUBLE, INT64 or STRING, or a key or value is null or not of its Java class
   *     ({@link Long}, {@link String}, {@link Float}, {@link Double})
   */
  public static MapValue of(ElementType keyType, ElementType valueType, Map<?, ?> entries) {
    Objects.requireNonNull(entries, "entries");
    if (!KEY_TYPES.contains(keyType)) {
      throw new IllegalArgumentException(
          "keyType must be one of " + KEY_TYPES + " but was " + keyType);
    }
    if (!VALUE_TYPES.contains(valueType)) {
      throw new IllegalArgumentException(
          "valueType must be one of " + VALUE_TYPES + " but was " + valueType);
    }
    Class<?> keyClass = javaClass(keyType);
    Class<?> valueClass = javaClass(valueType);
    TreeMap<Object, Object> sorted = new TreeMap<>();
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      Object key = entry.getKey();
      Object value = entry.getValue();
      if (!keyClass.isInstance(key)) {
        throw new IllegalArgumentException("key " + key + " must be a " + keyClass.getSimpleName()
            + " (keyType " + keyType + ") but was " + className(key));
      }
      if (!valueClass.isInstance(value)) {
        throw new IllegalArgumentException("value of key " + key + " must be a "
            + valueClass.getSimpleName() + " (valueType " + valueType + ") but was "
            + className(value));
      }
      sorted.put(key, value);
    }
    return new MapValue(keyType, valueType,
        Collections.unmodifiableMap(new LinkedHashMap<>(sorted)));
  }

  @Override
  public Kind kind() {
    return Kind.MAP;
  }

  /** {@code map(INT64, FLOAT)}. */
  @Override
  public String typeDescription() {
    return "map(" + keyType + ", " + valueType + ")";
  }

  @Override
  public MapValue asMap() {
    return this;
  }

  /** INT64 or STRING. */
  public ElementType keyType() {
    return keyType;
  }

  /** FLOAT, DOUBLE, INT64 or STRING. */
  public ElementType valueType() {
    return valueType;
  }

  public int size() {
    return entries.size();
  }

  /**
   * The entries, sorted by key: an unmodifiable map of {@link Long} or {@link String} keys (see
   * {@link #asMap(Class, Class)} for a typed view).
   */
  public Map<Object, Object> entries() {
    return entries;
  }

  /**
   * The entries with their Java types, for example {@code asMap(Long.class, Float.class)} for a
   * {@code map(INT64, FLOAT)}; an unmodifiable view sorted by key.
   *
   * @throws IllegalStateException if the classes are not this map's key and value classes
   */
  @SuppressWarnings("unchecked")
  public <K, V> Map<K, V> asMap(Class<K> keyClass, Class<V> valueClass) {
    if (keyClass != javaClass(keyType) || valueClass != javaClass(valueType)) {
      throw new IllegalStateException("the map is " + typeDescription() + ", whose entries are <"
          + javaClass(keyType).getSimpleName() + ", " + javaClass(valueType).getSimpleName()
          + ">, not <" + keyClass.getSimpleName() + ", " + valueClass.getSimpleName() + ">");
    }
    return (Map<K, V>) entries;
  }

  /** The value of {@code key}, or null if the map has no such key. */
  public Object get(Object key) {
    return entries.get(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MapValue m
        && m.keyType == keyType
        && m.valueType == valueType
        && m.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * keyType.hashCode() + valueType.hashCode()) + entries.hashCode();
  }

  /** The type and at most the first 8 entries. */
  @Override
  public String toString() {
    StringJoiner shown = new StringJoiner(", ", "{", "}");
    int n = 0;
    for (Map.Entry<Object, Object> entry : entries.entrySet()) {
      if (n++ == 8) {
        shown.add("... " + (entries.size() - 8) + " more");
        break;
      }
      shown.add(entry.getKey() + "=" + entry.getValue());
    }
    return "MapValue[" + typeDescription() + " " + shown + "]";
  }

  private static Class<?> javaClass(ElementType type) {
    return switch (type) {
      case INT64 -> Long.class;
      case STRING -> String.class;
      case FLOAT -> Float.class;
      case DOUBLE -> Double.class;
      default -> throw new AssertionError(type);
    };
  }

  private static String className(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
