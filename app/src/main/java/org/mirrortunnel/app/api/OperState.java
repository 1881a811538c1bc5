package org.mirrortunnel.app.api;

/**
 * Operational state of a session on one host, as its agent reports it, from best to worst.
 */
public enum OperState {
    /** Applied and enabled: mirroring. */
    ACTIVE,
    /** Applied and switched off by link state. */
    DISABLED,
    /** Not yet applied, or enabled while a tunnel has no carrier yet. */
    PENDING,
    /** The host's agent is unreachable; the host keeps what it had. */
    DEGRADED,
    /** The agent could not apply the binding; the host state's message says why. */
    FAILED;

    /**
     * Returns the worse of this state and another.
     *
     * @param other another state
     * @return the state further down the list
     */
    public OperState worst(OperState other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
