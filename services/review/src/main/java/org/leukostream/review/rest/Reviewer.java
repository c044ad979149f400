package org.leukostream.review.rest;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who is calling. With OIDC on, the token's subject and roles ({@code viewer} reads, {@code
 * reviewer} also reclassifies and signs); with it off (the embedded stack, the demo) every caller
 * is the configured development reviewer.
 */
@RequestScoped
public class Reviewer {
  public static final String VIEWER = "viewer";
  public static final String REVIEWER = "reviewer";

  private final SecurityIdentity identity;
  private final boolean oidc;
  private final String developmentReviewer;

  public Reviewer(
      SecurityIdentity identity,
      @ConfigProperty(name = "leukostream.review.oidc") boolean oidc,
      @ConfigProperty(
              name = "leukostream.review.development-reviewer",
              defaultValue = "dev-reviewer")
          String developmentReviewer) {
    this.identity = identity;
    this.oidc = oidc;
    this.developmentReviewer = developmentReviewer;
  }

  public String id() {
    return oidc ? identity.getPrincipal().getName() : developmentReviewer;
  }

  public boolean mayReview() {
    return !oidc || identity.hasRole(REVIEWER);
  }

  public List<String> roles() {
    return oidc ? identity.getRoles().stream().sorted().toList() : List.of(VIEWER, REVIEWER);
  }

  /** Refuses a caller who may not change a case: 401 without a token, 403 without the role. */
  public String requireReviewer() {
    if (oidc && identity.isAnonymous()) {
      throw new NotAuthorizedException("Bearer");
    }
    if (!mayReview()) {
      throw new ForbiddenException("the reviewer role is needed to reclassify cells or sign off");
    }
    return id();
  }
}
