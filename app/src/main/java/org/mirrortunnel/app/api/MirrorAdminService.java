package org.mirrortunnel.app.api;

/**
 * Creates, changes and removes mirror sessions. Each call either does all it says or, throwing
 * {@link MirrorException}, nothing.
 */
public interface MirrorAdminService extends MirrorService {

    /**
     * Creates a session from a request: a session without id, whose VLANs are the ones asked for (empty for
     * one from the pool).
     *
     * @param request the session asked for
     * @return the session created, with id, VLANs and resolved endpoints
     */
    MirrorSession createSession(MirrorSession request);

    /**
     * Changes a session's definition (sources, monitors, direction, filter, sampling, snaplen, VLANs, name).
     *
     * @param session the session with its id and the new definition
     * @return the session as stored
     */
    MirrorSession updateSession(MirrorSession session);

    /**
     * Removes a session and releases its VLANs.
     *
     * @param id session id
     * @return the removed session
     */
    MirrorSession removeSession(MirrorSessionId id);

    /**
     * Switches a session on (the tunnel VFs' link state); nothing else changes.
     *
     * @param id session id
     * @return the session as stored
     */
    MirrorSession enableSession(MirrorSessionId id);

    /**
     * Switches a session off (the tunnel VFs' link state); nothing else changes.
     *
     * @param id session id
     * @return the session as stored
     */
    MirrorSession disableSession(MirrorSessionId id);
}
