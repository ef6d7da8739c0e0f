package dev.shadowrouting.spring;

/**
 * A refused request to the Actuator endpoint {@code shadow}, with the HTTP status it answers with
 * over the web (400: a bad request, 404: no such endpoint, 409: not in this state) and a message
 * naming what was wrong and what is possible.
 */
public class ShadowEndpointException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  public ShadowEndpointException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status: 400, 404 or 409. */
  public int status() {
    return status;
  }
}
