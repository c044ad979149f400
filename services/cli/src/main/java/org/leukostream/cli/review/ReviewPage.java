package org.leukostream.cli.review;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.ehr.rest.SignService;
import org.leukostream.embedded.DevelopmentIssuer;

/**
 * The review service (services/review, its Quarkus application) as a process of its own beside an
 * in-process {@link Pipeline}, reading the same broker, with the pipeline's bridge answering its
 * sign-offs on a local endpoint ({@code POST /cases/{caseId}/sign}, as the bridge service does).
 * What {@code leukostream demo --review} and the browser test run.
 */
public final class ReviewPage implements AutoCloseable {
  private static final Pattern SIGN = Pattern.compile("/cases/([^/]+)/sign");
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final HttpServer signOff;
  private final Process process;
  private final URI url;
  private final Path log;

  private ReviewPage(HttpServer signOff, Process process, URI url, Path log) {
    this.signOff = signOff;
    this.process = process;
    this.url = url;
    this.log = log;
  }

  /**
   * Starts the sign-off endpoint and the review service and returns once the service is ready.
   *
   * @param settings more settings for the service (e.g. OIDC), as {@code -Dkey=value}
   */
  public static ReviewPage start(
      Pipeline pipeline,
      String bootstrapServers,
      String registryUrl,
      Path workDir,
      Map<String, String> settings)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    HttpServer signOff =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    signOff.createContext("/cases/", exchange -> sign(pipeline, exchange));
    signOff.start();
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx512m");
    Map<String, String> config = new java.util.LinkedHashMap<>();
    config.put("quarkus.http.host", "127.0.0.1");
    config.put("quarkus.http.port", String.valueOf(port));
    config.put("kafka.bootstrap.servers", bootstrapServers);
    config.put("schema.registry.url", registryUrl);
    config.put("kafka-streams.state.dir", workDir.resolve("state").toString());
    config.put(
        "quarkus.kafka-streams.application-id",
        "leukostream-review-" + UUID.randomUUID().toString().substring(0, 8));
    config.put(
        "leukostream.review.bridge-url", "http://127.0.0.1:" + signOff.getAddress().getPort());
    config.putAll(settings);
    config.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(applicationJar().toString());
    Path log = workDir.resolve("review.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ReviewPage page =
        new ReviewPage(signOff, process, URI.create("http://127.0.0.1:" + port + "/"), log);
    try {
      page.awaitReady(Duration.ofMinutes(3));
    } catch (RuntimeException | InterruptedException e) {
      page.close();
      throw e;
    }
    return page;
  }

  /**
   * The review service's settings with OIDC on, as the chart deploys it (viewer or reviewer role to
   * read), trusting {@code issuer} in place of an identity provider.
   */
  public static Map<String, String> oidcTrusting(DevelopmentIssuer issuer) {
    Map<String, String> settings = new java.util.LinkedHashMap<>(issuer.trustedBy());
    settings.put("leukostream.review.oidc", "true");
    settings.put("quarkus.http.auth.permission.read.policy", "viewer");
    return settings;
  }

  /** The page's address. */
  public URI url() {
    return url;
  }

  /** The service's log (for a failure's reason). */
  public Path log() {
    return log;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the review service exited (" + process.exitValue() + "): " + tail());
      }
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(url.resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the review service was not ready in " + timeout + ": " + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sign(Pipeline pipeline, HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher m = SIGN.matcher(exchange.getRequestURI().getRawPath());
      SignService.Reply reply;
      if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
        reply = new SignService.Reply(404, "{\"error\":\"only POST /cases/{caseId}/sign\"}");
      } else {
        SignService.SignRequest request =
            JSON.readValue(exchange.getRequestBody(), SignService.SignRequest.class);
        reply = pipeline.sign(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), request);
      }
      byte[] body = reply.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /**
   * The review service's Quarkus application: {@code leukostream.review.app} when set, else {@code
   * services/review/target/quarkus-app/quarkus-run.jar} above the working directory.
   */
  static Path applicationJar() {
    String configured = System.getProperty("leukostream.review.app");
    if (configured != null) {
      return Path.of(configured);
    }
    Path relative = Path.of("services", "review", "target", "quarkus-app", "quarkus-run.jar");
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(
        "The review service is not built: no "
            + relative
            + " here or above (./mvnw -pl services/review -am package -DskipTests builds it)");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    signOff.stop(0);
  }
}
