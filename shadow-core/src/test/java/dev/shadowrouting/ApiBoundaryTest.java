package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API packages ({@code dev.shadowrouting} and {@code dev.shadowrouting.sinks.*}) never show an
 * engine type ({@code dev.shadowrouting.internal.*}) in what a user can reach: supertypes and the
 * types of public or protected constructors, methods and fields, type arguments included. Core is
 * an automatic module (HdrHistogram and Hipparchus have no module names to require), so the module
 * system does not hide the engine; this keeps it out of the API instead, and docs/artifacts.md says
 * that {@code internal} packages carry no compatibility promise.
 */
class ApiBoundaryTest {

  private static final String ENGINE = "dev.shadowrouting.internal";

  /** The API's public types, nested ones included, read from core's class directory or jar. */
  static List<Class<?>> apiTypes() throws IOException, URISyntaxException {
    Path root = Path.of(ShadowRouter.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    assertThat(root).as("core's classes, where the tests run").isDirectory();
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("dev/shadowrouting"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).collect(
          Collectors.toList())) {
        String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.');
        name = name.substring(0, name.length() - ".class".length());
        if (name.startsWith(ENGINE + ".") || name.equals("module-info")) {
          continue;
        }
        Class<?> type;
        try {
          type = Class.forName(name, false, ApiBoundaryTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          throw new AssertionError(name, e);
        }
        if (reachable(type)) {
          types.add(type);
        }
      }
    }
    return types;
  }

  /** Public, and (when nested) inside a public type. */
  private static boolean reachable(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(Member member) {
    int m = member.getModifiers();
    if (member.isSynthetic() || member instanceof Method method && method.isBridge()) {
      return false;
    }
    return Modifier.isPublic(m)
        || Modifier.isProtected(m) && !Modifier.isFinal(member.getDeclaringClass().getModifiers());
  }

  /** Every class a type names, through type arguments, bounds and arrays. */
  static void classesOf(Type type, Set<Class<?>> out, Set<Type> seen) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof Class<?> c) {
      out.add(c.isArray() ? c.getComponentType() : c);
      if (c.isArray()) {
        classesOf(c.getComponentType(), out, seen);
      }
    } else if (type instanceof ParameterizedType p) {
      classesOf(p.getRawType(), out, seen);
      for (Type a : p.getActualTypeArguments()) {
        classesOf(a, out, seen);
      }
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        classesOf(b, out, seen);
      }
      for (Type b : w.getLowerBounds()) {
        classesOf(b, out, seen);
      }
    } else if (type instanceof GenericArrayType g) {
      classesOf(g.getGenericComponentType(), out, seen);
    } else if (type instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        classesOf(b, out, seen);
      }
    }
  }

  /** "Type.member: engine class" for each engine type the API shows. */
  static List<String> leaks(Class<?> type) {
    List<String> leaks = new ArrayList<>();
    List<Type> shown = new ArrayList<>();
    List<String> where = new ArrayList<>();
    if (type.getGenericSuperclass() != null) {
      shown.add(type.getGenericSuperclass());
      where.add("extends");
    }
    for (Type i : type.getGenericInterfaces()) {
      shown.add(i);
      where.add("implements");
    }
    for (TypeVariable<?> v : type.getTypeParameters()) {
      shown.add(v);
      where.add("<" + v.getName() + ">");
    }
    List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
    executables.addAll(List.of(type.getDeclaredMethods()));
    for (Executable e : executables) {
      if (!visible(e)) {
        continue;
      }
      if (e instanceof Method m) {
        shown.add(m.getGenericReturnType());
        where.add(m.getName());
      }
      for (Type t : e.getGenericParameterTypes()) {
        shown.add(t);
        where.add(e.getName());
      }
      for (Type t : e.getGenericExceptionTypes()) {
        shown.add(t);
        where.add(e.getName());
      }
      for (TypeVariable<?> v : e.getTypeParameters()) {
        shown.add(v);
        where.add(e.getName());
      }
    }
    for (Field f : type.getDeclaredFields()) {
      if (visible(f)) {
        shown.add(f.getGenericType());
        where.add(f.getName());
      }
    }
    for (int i = 0; i < shown.size(); i++) {
      Set<Class<?>> classes = new HashSet<>();
      classesOf(shown.get(i), classes, new HashSet<>());
      for (Class<?> c : classes) {
        if (c.getPackageName().startsWith(ENGINE)) {
          leaks.add(type.getName() + "." + where.get(i) + ": " + c.getName());
        }
      }
    }
    return leaks;
  }

  @Test
  void theApiShowsNoEngineType() throws Exception {
    List<Class<?>> api = apiTypes();
    assertThat(api).as("API types found").hasSizeGreaterThan(60)
        .contains(ShadowRouter.class, ShadowTestSpec.class,
            dev.shadowrouting.sinks.jsonl.JsonLinesSink.class);
    assertThat(api.stream().flatMap(t -> leaks(t).stream())).isEmpty();
  }

  /** The check itself: an engine type in a signature, a type argument or a bound is found. */
  @Test
  void theCheckFindsAnEngineTypeWhereverItIsNamed() {
    assertThat(leaks(Leaky.class)).containsExactlyInAnyOrder(
        Leaky.class.getName() + ".<T>: dev.shadowrouting.internal.util.ConfigErrors",
        Leaky.class.getName() + ".returns: dev.shadowrouting.internal.util.ConfigErrors",
        Leaky.class.getName() + ".takes: dev.shadowrouting.internal.util.ConfigErrors",
        Leaky.class.getName() + ".field: dev.shadowrouting.internal.util.ConfigErrors");
    assertThat(leaks(ShadowRouter.class)).isEmpty();
  }

  /** A type that shows the engine four ways, and hides it twice (private, package-private). */
  @SuppressWarnings("unused")
  public static class Leaky<T extends List<? super dev.shadowrouting.internal.util.ConfigErrors>> {
    public dev.shadowrouting.internal.util.ConfigErrors[] field;
    private dev.shadowrouting.internal.util.ConfigErrors hidden;

    public List<dev.shadowrouting.internal.util.ConfigErrors> returns() {
      return List.of();
    }

    public void takes(java.util.Map<String, dev.shadowrouting.internal.util.ConfigErrors> map) {}

    void packagePrivate(dev.shadowrouting.internal.util.ConfigErrors e) {}
  }
}
