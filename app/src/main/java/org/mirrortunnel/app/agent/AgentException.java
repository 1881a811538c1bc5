package org.mirrortunnel.app.agent;

/**
 * A call to a host agent that failed: the agent is unreachable or refused the request.
 */
public class AgentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause   underlying error
     */
    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
