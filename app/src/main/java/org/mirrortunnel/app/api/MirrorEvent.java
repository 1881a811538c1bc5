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
        /** A host reported a new state or counters for a session. */
        SESSION_STATE_CHANGED,
        /** A session was removed. */
        SESSION_REMOVED
    }

    private final MirrorSession previous;

    /**
     * Creates an event.
     *
     * @param type     kind of change
     * @param session  the session after the change (before it, for a removal)
     * @param previous the session before the change, null for an addition
     */
    public MirrorEvent(Type type, MirrorSession session, MirrorSession previous) {
        super(type, session);
        this.previous = previous;
    }

    /**
     * Returns the session before the change.
     *
     * @return previous session, null for an addition
     */
    public MirrorSession previous() {
        return previous;
    }
}
