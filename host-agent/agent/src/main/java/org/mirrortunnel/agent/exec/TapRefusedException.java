package org.mirrortunnel.agent.exec;

/** A TAP refused a request as invalid and did nothing; the message is its own reason. */
public final class TapRefusedException extends ExecException {
    public TapRefusedException(String message) {
        super(message);
    }
}
