package org.mirrortunnel.app.agent;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A call to a host agent that failed: the agent is unreachable, or it refused the request. Only connection-level
 * failures ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, or no call made at all) mean the agent is lost;
 * any other status is the agent's answer about the request.
 */
public class AgentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause   underlying error: the gRPC status when the agent answered one
     */
    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns the gRPC status the call ended with.
     *
     * @return status code, UNAVAILABLE when no call was made
     */
    public Status.Code code() {
        return getCause() instanceof StatusRuntimeException
                ? ((StatusRuntimeException) getCause()).getStatus().getCode() : Status.Code.UNAVAILABLE;
    }

    /**
     * Tells whether the agent could not be reached, as opposed to having refused the request.
     *
     * @return true for a connection-level failure
     */
    public boolean unreachable() {
        return code() == Status.Code.UNAVAILABLE || code() == Status.Code.DEADLINE_EXCEEDED;
    }

    /**
     * Returns the agent's answer: the status code and its description.
     *
     * @return message for the operator
     */
    public String agentMessage() {
        if (!(getCause() instanceof StatusRuntimeException)) {
            return getMessage();
        }
        Status s = ((StatusRuntimeException) getCause()).getStatus();
        return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }
}
