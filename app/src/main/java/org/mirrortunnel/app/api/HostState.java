package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * A session's operational state on one host, with the agent's message and the last counters.
 */
public final class HostState {
    private final OperState state;
    private final String message;
    private final MirrorCounters counters;

    /**
     * Creates a host state.
     *
     * @param state    operational state
     * @param message  the agent's message ("" when there is none)
     * @param counters last counters read from the agent
     */
    public HostState(OperState state, String message, MirrorCounters counters) {
        this.state = Objects.requireNonNull(state);
        this.message = Objects.requireNonNull(message);
        this.counters = Objects.requireNonNull(counters);
    }

    /**
     * Returns the state.
     *
     * @return state
     */
    public OperState state() {
        return state;
    }

    /**
     * Returns the agent's message.
     *
     * @return message, "" when none
     */
    public String message() {
        return message;
    }

    /**
     * Returns the last counters.
     *
     * @return counters
     */
    public MirrorCounters counters() {
        return counters;
    }

    /**
     * Returns this state with other counters.
     *
     * @param newCounters counters
     * @return new host state
     */
    public HostState withCounters(MirrorCounters newCounters) {
        return new HostState(state, message, newCounters);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostState && ((HostState) o).state == state && ((HostState) o).message.equals(message)
                && ((HostState) o).counters.equals(counters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, message, counters);
    }

    @Override
    public String toString() {
        return message.isEmpty() ? state.name() : state + " (" + message + ")";
    }
}
