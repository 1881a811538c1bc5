package org.mirrortunnel.app.api;

import org.onosproject.store.Store;
import org.onosproject.store.service.Versioned;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Holds, cluster-wide, the sessions' definitions (strongly consistent, versioned), the resources each session
 * holds alone (name, VLANs, tunnel VFs), the agents' states, and the runtime state the agents report per
 * session and host (eventually consistent: it is written on every stats poll).
 */
public interface MirrorStore extends Store<MirrorEvent, MirrorStoreDelegate> {

    /**
     * Stores a new session's definition; its resources must have been claimed.
     *
     * @param session session with id
     * @return the stored session
     * @throws MirrorException when the id is taken
     */
    MirrorSession createSession(MirrorSession session);

    /**
     * Returns a session's definition (no runtime state) with the version it has in the store.
     *
     * @param id session id
     * @return versioned definition, if the session exists
     */
    Optional<Versioned<MirrorSession>> getDefinition(MirrorSessionId id);

    /**
     * Replaces a session's definition if it is still the version read, and forgets the runtime state of the
     * hosts that no longer take part.
     *
     * @param before the definition as read, with its version
     * @param after  the new definition
     * @return false when the session changed or went meanwhile (nothing was written)
     */
    boolean replaceSession(Versioned<MirrorSession> before, MirrorSession after);

    /**
     * Removes a session's definition and its runtime state (its resources stay claimed until released).
     *
     * @param id session id
     * @return the removed definition
     * @throws MirrorException when there is no such session
     */
    MirrorSession removeSession(MirrorSessionId id);

    /**
     * Returns a session with the runtime state of its hosts.
     *
     * @param id session id
     * @return session, if any
     */
    Optional<MirrorSession> getSession(MirrorSessionId id);

    /**
     * Returns a session, by name, with the runtime state of its hosts.
     *
     * @param name session name
     * @return session, if any
     */
    Optional<MirrorSession> getSessionByName(String name);

    /**
     * Returns all sessions with the runtime state of their hosts.
     *
     * @return sessions
     */
    Collection<MirrorSession> getSessions();

    /**
     * Records a session's runtime state on one host; does nothing when the session is gone, the host takes no
     * part in it or the state is unchanged.
     *
     * @param id      session id
     * @param agentId the host's agent
     * @param state   the new state
     */
    void updateHostState(MirrorSessionId id, String agentId, HostState state);

    /**
     * Claims a resource for a session, atomically across the cluster.
     *
     * @param resource the resource
     * @param owner    the session
     * @return empty when the session claimed it now; otherwise the session that held it already (which may be
     *         the owner itself)
     */
    Optional<MirrorSessionId> claim(MirrorResource resource, MirrorSessionId owner);

    /**
     * Releases resources a session holds; those it does not hold are left alone.
     *
     * @param owner     session id
     * @param resources resources
     */
    void release(MirrorSessionId owner, Collection<MirrorResource> resources);

    /**
     * Returns every claimed resource and its holder.
     *
     * @return holders by resource
     */
    Map<MirrorResource, MirrorSessionId> claims();

    /**
     * Returns the allocated VLANs.
     *
     * @return VLAN ids
     */
    Set<Integer> allocatedVlans();

    /**
     * Records an agent's state.
     *
     * @param status agent status
     */
    void putAgent(AgentStatus status);

    /**
     * Returns an agent's state.
     *
     * @param agentId agent id
     * @return state, if known
     */
    Optional<AgentStatus> getAgent(String agentId);

    /**
     * Returns all agents' states.
     *
     * @return agent states
     */
    Collection<AgentStatus> getAgents();
}
