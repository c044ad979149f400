package org.leukostream.ehr.it;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR R4 server built with HAPI's own {@link RestfulServer}, run in Undertow, that keeps
 * resources in memory: it takes transaction Bundles whose entries are conditional updates ({@code
 * PUT Type?identifier=system|value}), creating a resource the first time and updating it (new
 * version) after. Tests make it fail the next requests (HTTP 500) or reject a case (HTTP 422 with
 * an OperationOutcome), and read what it holds.
 */
public final class InMemoryFhirServer implements AutoCloseable {
  /** A stored resource with its version. */
  public record Stored(Resource resource, int version) {}

  private final Map<String, Stored> resources = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger transactions = new AtomicInteger();
  private final Set<String> rejectedCases = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refusedTokens = new AtomicInteger();
  private volatile String requiredToken;
  private final Undertow undertow;
  private final DeploymentManager deployment;
  private final int port;

  public InMemoryFhirServer() {
    RestfulServer server = new RestfulServer(FhirContext.forR4Cached());
    server.registerProvider(new TransactionProvider());
    try {
      deployment =
          Servlets.defaultContainer()
              .addDeployment(
                  Servlets.deployment()
                      .setClassLoader(InMemoryFhirServer.class.getClassLoader())
                      .setContextPath("/")
                      .setDeploymentName("fhir")
                      .addServlets(
                          Servlets.servlet(
                                  "fhir",
                                  RestfulServer.class,
                                  new ImmediateInstanceFactory<>(server))
                              .addMapping("/fhir/*")
                              .setLoadOnStartup(1)));
      deployment.deploy();
      undertow =
          Undertow.builder().addHttpListener(0, "localhost").setHandler(deployment.start()).build();
      undertow.start();
    } catch (jakarta.servlet.ServletException e) {
      throw new IllegalStateException(e);
    }
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  public String baseUrl() {
    return "http://localhost:" + port + "/fhir";
  }

  /** The next {@code count} transactions fail with HTTP 500. */
  public void failNext(int count) {
    failures.set(count);
  }

  /** Transactions carrying a report for {@code caseId} are refused with HTTP 422. */
  public void reject(String caseId) {
    rejectedCases.add(caseId);
  }

  /**
   * Transactions without {@code Authorization: Bearer token} are refused with HTTP 401; null: any.
   */
  public void requireToken(String token) {
    requiredToken = token;
  }

  /** Transactions refused for their token. */
  public int refusedTokens() {
    return refusedTokens.get();
  }

  /** Transactions received, failed ones included. */
  public int transactions() {
    return transactions.get();
  }

  /** The stored resources of {@code type} whose identifier value starts with {@code prefix}. */
  public List<Stored> find(String type, String prefix) {
    return resources.entrySet().stream()
        .filter(e -> e.getKey().startsWith(type + "|") && e.getKey().contains("|" + prefix))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** Answers transaction Bundles at the base URL. */
  public final class TransactionProvider {
    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle, HttpServletRequest request) {
      transactions.incrementAndGet();
      String required = requiredToken;
      if (required != null && !("Bearer " + required).equals(request.getHeader("Authorization"))) {
        refusedTokens.incrementAndGet();
        throw new AuthenticationException("The bearer token has expired");
      }
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new InternalErrorException("Simulated outage");
      }
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() instanceof DiagnosticReport report
            && rejectedCases.contains(report.getIdentifierFirstRep().getValue())) {
          OperationOutcome outcome = new OperationOutcome();
          outcome
              .addIssue()
              .setSeverity(OperationOutcome.IssueSeverity.ERROR)
              .setCode(OperationOutcome.IssueType.BUSINESSRULE)
              .setDiagnostics(
                  "Case " + report.getIdentifierFirstRep().getValue() + " is closed in this LIS");
          throw new UnprocessableEntityException(FhirContext.forR4Cached(), outcome);
        }
      }
      Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        String url = entry.getRequest().getUrl();
        String type = url.substring(0, url.indexOf('?'));
        String identifier =
            URLDecoder.decode(
                url.substring(url.indexOf("identifier=") + 11), StandardCharsets.UTF_8);
        String key = type + "|" + identifier;
        Stored previous = resources.get(key);
        int version = previous == null ? 1 : previous.version() + 1;
        Resource copy = entry.getResource().copy();
        copy.setId(type + "/" + Math.abs(key.hashCode()) + "/_history/" + version);
        resources.put(key, new Stored(copy, version));
        response
            .addEntry()
            .getResponse()
            .setStatus(previous == null ? "201 Created" : "200 OK")
            .setLocation(copy.getId());
      }
      return response;
    }
  }

  @Override
  public void close() {
    undertow.stop();
    try {
      deployment.stop();
    } catch (jakarta.servlet.ServletException e) {
      throw new IllegalStateException(e);
    }
    deployment.undeploy();
  }
}
