package org.leukostream.aggregator.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.leukostream.aggregator.streams.AggregatorMetrics;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.aggregator.streams.AggregatorTopology;
import org.leukostream.aggregator.streams.DiagnosisBuilder;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.config.InstanceLinks;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.embedded.LocalTls;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;
import org.leukostream.testkit.EmbeddedStackExtension;

/**
 * Two aggregator instances of one application, each answering {@code GET /cases/{id}} over HTTPS
 * with the service's own query logic, and each requiring the caller's bearer token as the service
 * does with OIDC on: asking either one about any case gives that case's counts, forwarded to the
 * owner over TLS with the caller's token when the asked instance does not hold it.
 */
@ExtendWith(EmbeddedStackExtension.class)
class CaseQueryForwardingIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "Bearer viewer-" + UUID.randomUUID();
  private static LocalTls tls;
  private static HttpClient https;

  @BeforeAll
  static void certificates() throws Exception {
    tls = LocalTls.create();
    https = InstanceLinks.of("https", Optional.of(tls.certificate())).client();
  }

  /** One aggregator instance with its HTTP endpoint. */
  private record Instance(KafkaStreams streams, HttpsServer http, String address)
      implements AutoCloseable {
    static Instance start(EmbeddedStack stack, String applicationId) throws Exception {
      HttpsServer http =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
      String address = "localhost:" + http.getAddress().getPort();
      AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
      var streams =
          AggregatorTopology.standalone(
              stack
                  .streams(applicationId, Files.createTempDirectory("forwarding-it-"))
                  .withApplicationServer(address),
              settings,
              AggregatorMetrics.NONE);
      var queries =
          new CaseQueryService(
              streams,
              new DiagnosisBuilder(settings.rule(), settings.taxonomy()),
              address,
              InstanceLinks.of("https", Optional.of(tls.certificate())));
      http.createContext(
          "/cases/",
          exchange -> {
            String id =
                URLDecoder.decode(
                    exchange.getRequestURI().getRawPath().substring("/cases/".length()),
                    StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            // The service's OIDC check, reduced to one known token.
            CaseQueryService.Reply reply =
                TOKEN.equals(headers.getFirst("Authorization"))
                    ? queries.get(
                        id,
                        Optional.of(TOKEN),
                        headers.containsKey(CaseQueryService.FORWARDED_HEADER))
                    : new CaseQueryService.Reply(401, "{}", null);
            byte[] body = reply.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (var out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      http.start();
      streams.start();
      return new Instance(streams, http, address);
    }

    long activeTasks() {
      return streams.metadataForLocalThreads().stream()
          .mapToLong(thread -> thread.activeTasks().size())
          .sum();
    }

    @Override
    public void close() {
      streams.close(Duration.ofSeconds(30));
      http.stop(0);
    }
  }

  @Test
  void eitherInstanceAnswersForEveryCaseForwardingToTheOwner(EmbeddedStack stack) throws Exception {
    String applicationId = "forwarding-it-" + UUID.randomUUID();
    try (Instance a = Instance.start(stack, applicationId);
        Instance b = Instance.start(stack, applicationId)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  a.streams().state() == KafkaStreams.State.RUNNING
                      && b.streams().state() == KafkaStreams.State.RUNNING
                      && a.activeTasks() > 0
                      && b.activeTasks() > 0
                      && a.activeTasks() + b.activeTasks() == Topics.CELL_LABELS.partitions());

      List<SyntheticCase> cases = new ArrayList<>();
      String run = UUID.randomUUID().toString().substring(0, 8);
      for (int i = 0; i < 12; i++) {
        cases.add(SyntheticCase.of("fwd-" + run + "-" + i, 5, 250, 25 * (i % 3)));
      }
      SyntheticCase.publish(stack.clientConfig(), cases);
      Set<String> caseIds = new HashSet<>(cases.stream().map(SyntheticCase::caseId).toList());
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  stack.readAll(Topics.DIAGNOSES).stream()
                          .map(r -> r.value())
                          .filter(d -> d.getStatus() == DiagnosisStatus.FINAL)
                          .filter(d -> caseIds.contains(d.getCaseId()))
                          .count()
                      == cases.size());

      Set<String> servedBy = new HashSet<>();
      for (SyntheticCase c : cases) {
        for (Instance asked : List.of(a, b)) {
          JsonNode view =
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> get(asked, c.caseId()), json -> json != null);
          assertThat(view.path("caseId").asText()).isEqualTo(c.caseId());
          assertThat(view.path("status").asText()).isEqualTo("FINAL");
          assertThat(view.path("cellsCounted").asInt()).isEqualTo(250);
          servedBy.add(view.path("servedBy").asText());
        }
      }
      assertThat(servedBy).containsExactlyInAnyOrder(a.address(), b.address());
      assertThat(
              https
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("https://" + a.address() + "/cases/no-such-case"))
                          .header("Authorization", TOKEN)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);
      assertThat(
              https
                  .send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "https://" + a.address() + "/cases/" + cases.get(0).caseId()))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("no token, no answer")
          .isEqualTo(401);
    }
  }

  /** The case's view as {@code instance} answers it, or null while it answers 503 (rebalancing). */
  private static JsonNode get(Instance instance, String caseId) throws Exception {
    HttpResponse<String> response =
        https.send(
            HttpRequest.newBuilder(URI.create("https://" + instance.address() + "/cases/" + caseId))
                .header("Authorization", TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 503) {
      return null;
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
