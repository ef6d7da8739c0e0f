package dev.shadowrouting.internal.util;

import java.util.Locale;

/**
 * Lower-case names of enum constants, computed once per enum type, for metric tags and attribute
 * values (the Micrometer and OpenTelemetry conventions) without a string allocation per record.
 * Thread-safe.
 */
public final class LowerCaseNames {
  private static final ClassValue<String[]> NAMES = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      Object[] constants = type.getEnumConstants();
      String[] names = new String[constants.length];
      for (int i = 0; i < constants.length; i++) {
        names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
      }
      return names;
    }
  };

  private LowerCaseNames() {}

  /** {@code e.name().toLowerCase(Locale.ROOT)}, cached. */
  public static String of(Enum<?> e) {
    return NAMES.get(e.getDeclaringClass())[e.ordinal()];
  }
}
