package org.mirrortunnel.agent.exec;

/** A host operation failed: an external program exited non-zero or timed out, or a sysfs write failed. */
public final class ExecException extends RuntimeException {
    public ExecException(String message) {
        super(message);
    }

    public ExecException(String message, Throwable cause) {
        super(message, cause);
    }
}
