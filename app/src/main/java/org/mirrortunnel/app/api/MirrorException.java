package org.mirrortunnel.app.api;

/**
 * A mirror request that cannot be carried out; the message says why in one line, and nothing was changed.
 */
public class MirrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, for the operator
     */
    public MirrorException(String message) {
        super(message);
    }
}
