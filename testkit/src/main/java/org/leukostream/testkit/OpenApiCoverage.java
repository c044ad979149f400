package org.leukostream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks a service's OpenAPI document against its JAX-RS resources: every endpoint the classes
 * declare (HTTP method and path, read from their annotations) is in the document, with a summary, a
 * description, described responses and, where it takes a body, a request example. A new endpoint
 * without documentation fails the service's test instead of going unnoticed.
 */
public final class OpenApiCoverage {
  private static final Map<Class<? extends Annotation>, String> VERBS =
      Map.of(
          GET.class, "get",
          POST.class, "post",
          PUT.class, "put",
          DELETE.class, "delete",
          PATCH.class, "patch",
          HEAD.class, "head");

  private OpenApiCoverage() {}

  /** An endpoint as JAX-RS declares it: lower-case HTTP verb and the full path template. */
  public record Endpoint(String verb, String path, boolean takesBody) {
    @Override
    public String toString() {
      return verb.toUpperCase(java.util.Locale.ROOT) + " " + path;
    }
  }

  /** The endpoints the resource classes declare. */
  public static List<Endpoint> endpoints(Class<?>... resources) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Class<?> resource : resources) {
      Path root = resource.getAnnotation(Path.class);
      if (root == null) {
        throw new IllegalArgumentException(resource.getName() + " has no @Path");
      }
      for (Method method : resource.getMethods()) {
        for (Map.Entry<Class<? extends Annotation>, String> verb : VERBS.entrySet()) {
          if (method.isAnnotationPresent(verb.getKey())) {
            Path sub = method.getAnnotation(Path.class);
            String path = join(root.value(), sub == null ? "" : sub.value());
            endpoints.add(new Endpoint(verb.getValue(), path, takesBody(method)));
          }
        }
      }
    }
    return endpoints;
  }

  /**
   * The problems of the document (JSON, as {@code /q/openapi?format=json} serves it) against the
   * resources: empty when every endpoint is documented.
   */
  public static List<String> problems(String openApiJson, Class<?>... resources) {
    JsonNode document;
    try {
      document = new ObjectMapper().readTree(openApiJson);
    } catch (IOException e) {
      return List.of("the document is not JSON: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    if (!document.path("openapi").asText().startsWith("3.")) {
      problems.add("not an OpenAPI 3 document");
    }
    if (document.path("info").path("description").asText().isBlank()) {
      problems.add("info.description is missing");
    }
    List<Endpoint> declared = endpoints(resources);
    if (declared.isEmpty()) {
      problems.add("the resources declare no endpoint");
    }
    for (Endpoint endpoint : declared) {
      JsonNode operation = document.path("paths").path(endpoint.path()).path(endpoint.verb());
      if (operation.isMissingNode()) {
        problems.add(endpoint + " is not in the document (paths: " + paths(document) + ")");
        continue;
      }
      for (String field : List.of("summary", "description")) {
        if (operation.path(field).asText().isBlank()) {
          problems.add(endpoint + " has no " + field);
        }
      }
      JsonNode responses = operation.path("responses");
      if (responses.isEmpty()) {
        problems.add(endpoint + " describes no response");
      }
      responses
          .fields()
          .forEachRemaining(
              r -> {
                if (r.getValue().path("description").asText().isBlank()) {
                  problems.add(endpoint + " response " + r.getKey() + " has no description");
                }
              });
      if (endpoint.takesBody() && !hasExample(operation.path("requestBody"))) {
        problems.add(endpoint + " has no request body example");
      }
    }
    return problems;
  }

  private static boolean hasExample(JsonNode requestBody) {
    for (JsonNode media : requestBody.path("content")) {
      if (media.has("example") || !media.path("examples").isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static TreeSet<String> paths(JsonNode document) {
    TreeSet<String> paths = new TreeSet<>();
    document.path("paths").fieldNames().forEachRemaining(paths::add);
    return paths;
  }

  private static boolean takesBody(Method method) {
    for (Annotation[] parameter : method.getParameterAnnotations()) {
      boolean bound = false;
      for (Annotation annotation : parameter) {
        String pkg = annotation.annotationType().getPackageName();
        bound |= pkg.equals("jakarta.ws.rs") || pkg.equals("jakarta.ws.rs.core");
      }
      if (!bound) {
        return true;
      }
    }
    return false;
  }

  private static String join(String root, String sub) {
    String path = ("/" + root + "/" + sub).replaceAll("/+", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
