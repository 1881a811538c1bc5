package org.mirrortunnel.app.api;

import java.util.Optional;

/**
 * A mirror request that cannot be carried out; the message says why in one line, and nothing was changed.
 * The reason tells a bad request from an unknown session and from a clash with the state of the cluster;
 * the field, when there is one, names the part of the request at fault.
 */
public class MirrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the request was refused. */
    public enum Reason {
        /** The request itself is wrong: a value out of range, an endpoint that does not resolve. */
        INVALID,
        /** The request names a session that does not exist. */
        NOT_FOUND,
        /** The request clashes with what exists: a name or a VLAN taken, no free tunnel VF. */
        CONFLICT
    }

    private final Reason reason;
    private final String field;

    /**
     * Creates the exception for an invalid request.
     *
     * @param message what is wrong, for the operator
     */
    public MirrorException(String message) {
        this(Reason.INVALID, null, message);
    }

    /**
     * Creates the exception.
     *
     * @param reason  why the request was refused
     * @param field   the request's field at fault, null when none is
     * @param message what is wrong, for the operator
     */
    public MirrorException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    /**
     * Returns why the request was refused.
     *
     * @return reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns the request's field at fault.
     *
     * @return field name, if one is at fault
     */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
