package org.mirrortunnel.agent.exec;

/** A host operation failed: an external program exited non-zero or timed out, a sysfs write or a TAP request failed. */
public class ExecException extends RuntimeException {
    public ExecException(String message) {
        super(message);
    }

    public ExecException(String message, Throwable cause) {
        super(message, cause);
    }
}
