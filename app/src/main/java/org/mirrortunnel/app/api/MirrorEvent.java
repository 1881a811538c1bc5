package org.mirrortunnel.app.api;

import org.onosproject.event.AbstractEvent;

/**
 * A change of a mirror session.
 */
public class MirrorEvent extends AbstractEvent<MirrorEvent.Type, MirrorSession> {
    /** Kinds of change. */
    public enum Type {
        /** A session was created. */
        SESSION_ADDED,
        /** The operator changed a session (its definition or admin state). */
        SESSION_UPDATED,
        /** A host reported a new state or counters for a session (runtime state: no previous session). */
        SESSION_STATE_CHANGED,
        /** A session was removed. */
        SESSION_REMOVED
    }

    private final MirrorSession previous;

    /**
     * Creates an event.
     *
     * @param type     kind of change
     * @param session  the session after the change, with its hosts' states (before it, for a removal)
     * @param previous the session's definition before the change, null for an addition or a state change
     */
    public MirrorEvent(Type type, MirrorSession session, MirrorSession previous) {
        super(type, session);
        this.previous = previous;
    }

    /**
     * Returns the session's definition before the change.
     *
     * @return previous definition, null for an addition or a state change
     */
    public MirrorSession previous() {
        return previous;
    }
}
