package dev.shadowrouting.spring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** A tiny JSON-over-HTTP client for the endpoint tests. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** Reads integers as Long, whatever their size, so the tests compare with one type. */
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  record Response(int status, String body, Map<String, java.util.List<String>> headers) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      return JSON.readValue(body, Map.class);
    }
  }

  private Http() {}

  static Response get(String url) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r.headers().map());
  }

  /** A POST of a JSON body, with headers as name, value pairs. */
  static Response post(String url, String json, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = CLIENT.send(b
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r.headers().map());
  }

  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> doc, String... path) {
    Object o = doc;
    for (String p : path) {
      o = o instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(p)
          : ((java.util.List<Object>) o).get(Integer.parseInt(p));
    }
    return o;
  }
}
