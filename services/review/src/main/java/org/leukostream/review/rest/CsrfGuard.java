package org.leukostream.review.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.util.Set;

/**
 * Cross-site request forgery protection for every state-changing request: it must carry the custom
 * header {@value #HEADER} (a browser sends a custom header cross-origin only after a CORS
 * preflight, which this service never grants), and an {@code Origin}, when the browser sends one,
 * must be this service's own. A form or image on another site can therefore not reclassify a cell
 * or sign a case in the name of a logged-in reviewer.
 */
@Provider
public class CsrfGuard implements ContainerRequestFilter {
  public static final String HEADER = "X-Leukostream-Csrf";
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

  @Override
  public void filter(ContainerRequestContext request) {
    if (SAFE.contains(request.getMethod())) {
      return;
    }
    String reason = refusal(request);
    if (reason != null) {
      request.abortWith(
          Response.status(Response.Status.FORBIDDEN)
              .type(MediaType.APPLICATION_JSON)
              .entity(new ReviewResource.Problem(reason))
              .build());
    }
  }

  private static String refusal(ContainerRequestContext request) {
    if (!"1".equals(request.getHeaderString(HEADER))) {
      return "state-changing request without the " + HEADER + " header (cross-site request?)";
    }
    String origin = request.getHeaderString("Origin");
    if (origin == null) {
      return null;
    }
    URI self = request.getUriInfo().getBaseUri();
    try {
      URI from = URI.create(origin);
      boolean same = self.getHost().equalsIgnoreCase(from.getHost()) && port(self) == port(from);
      return same ? null : "request from origin " + origin + ", not this service's own";
    } catch (IllegalArgumentException e) {
      return "request with an unreadable Origin header";
    }
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
