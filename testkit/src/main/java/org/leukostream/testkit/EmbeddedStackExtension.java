package org.leukostream.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.leukostream.embedded.EmbeddedStack;

/**
 * JUnit 5 extension that hands tests an {@link EmbeddedStack} parameter. One stack serves every
 * test class of a run (it starts in seconds, but not in none); it is closed when the run ends.
 * Tests keep apart by their own case ids and consumer groups. A test that needs a stack of its own
 * (a restart, a broker failure) starts one with {@link EmbeddedStack#start()}.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedStackExtension.class)
 * class SomethingIT {
 *   @Test void works(EmbeddedStack stack) { ... stack.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class EmbeddedStackExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedStackExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  /** The run's stack, started on first use. */
  public static EmbeddedStack shared(ExtensionContext context) {
    // The root store closes what it holds (EmbeddedStack is AutoCloseable) when the run ends.
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(EmbeddedStack.class, k -> EmbeddedStack.start(), EmbeddedStack.class);
  }
}
