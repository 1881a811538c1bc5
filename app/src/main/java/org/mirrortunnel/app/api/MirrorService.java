package org.mirrortunnel.app.api;

import org.onosproject.event.ListenerService;

import java.util.Collection;
import java.util.Optional;

/**
 * Reads mirror sessions and the host agents that carry them.
 */
public interface MirrorService extends ListenerService<MirrorEvent, MirrorListener> {

    /**
     * Returns all sessions.
     *
     * @return sessions
     */
    Collection<MirrorSession> getSessions();

    /**
     * Returns a session by id.
     *
     * @param id session id
     * @return the session, if there is one
     */
    Optional<MirrorSession> getSession(MirrorSessionId id);

    /**
     * Returns a session by name.
     *
     * @param name session name
     * @return the session, if there is one
     */
    Optional<MirrorSession> getSessionByName(String name);

    /**
     * Returns the known host agents.
     *
     * @return agent states
     */
    Collection<AgentStatus> getAgents();

    /**
     * Returns the VLAN pool sessions draw from when they ask for no VLAN.
     *
     * @return the pool, as configured
     */
    VlanRange vlanPool();
}
