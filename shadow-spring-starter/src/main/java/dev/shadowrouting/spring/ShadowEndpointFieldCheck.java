package dev.shadowrouting.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;

/**
 * Refuses a write to the Actuator endpoint {@code shadow} whose body (or query) has a field the
 * action does not take, before Actuator drops it: the operation itself only ever sees the fields
 * it declares. Answers 400 naming the field and the action's fields ({@link WriteFields}), and
 * audit-logs the refusal like every write (naming unknown fields without their values).
 *
 * <p>Stateless and thread-safe.
 */
final class ShadowEndpointFieldCheck implements OperationInvokerAdvisor {

  /** The path variable of the endpoint's selector, among the arguments. */
  private static final String SELECTOR = "endpoint";

  @Override
  public OperationInvoker apply(EndpointId endpointId, OperationType operationType,
      OperationParameters parameters, OperationInvoker invoker) {
    if (!endpointId.equals(EndpointId.of(ShadowEndpoint.ID))
        || operationType != OperationType.WRITE) {
      return invoker;
    }
    return context -> {
      if (!context.canResolve(WebServerNamespace.class)) {
        // not a web request (JMX): it has no fields but the operation's, checked there
        return invoker.invoke(context);
      }
      Map<String, Object> arguments = context.getArguments();
      Map<String, String> fields = new LinkedHashMap<>();
      arguments.forEach((k, v) -> {
        if (!k.equals(SELECTOR) && v != null) {
          fields.put(k, parameters.stream().anyMatch(p -> p.getName().equals(k))
              ? String.valueOf(v) : "(not logged: unknown field)");
        }
      });
      try {
        WriteFields.check(arguments.get(WriteFields.ACTION), fields.keySet());
      } catch (ShadowEndpointException e) {
        Object action = arguments.get(WriteFields.ACTION);
        Audit.refused(context.resolveArgument(SecurityContext.class).getPrincipal(),
            String.valueOf(arguments.get(SELECTOR)), action == null ? null : action.toString(),
            fields, e.status(), e.getMessage(), null);
        return ShadowEndpointWebExtension.refused(e);
      }
      return invoker.invoke(context);
    };
  }
}
