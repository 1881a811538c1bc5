package org.mirrortunnel.app.api;

import org.onosproject.store.Store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Holds sessions, the VLANs they own and the agents' states, cluster-wide.
 */
public interface MirrorStore extends Store<MirrorEvent, MirrorStoreDelegate> {

    /**
     * Stores a new session; its name must be free.
     *
     * @param session session with id
     * @return the stored session
     * @throws MirrorException when the id or the name is taken
     */
    MirrorSession createSession(MirrorSession session);

    /**
     * Replaces a session; a new name must be free.
     *
     * @param session session with id
     * @return the stored session
     * @throws MirrorException when there is no such session or the new name is taken
     */
    MirrorSession updateSession(MirrorSession session);

    /**
     * Removes a session and frees its name (its VLANs stay allocated until released).
     *
     * @param id session id
     * @return the removed session
     * @throws MirrorException when there is no such session
     */
    MirrorSession removeSession(MirrorSessionId id);

    /**
     * Returns a session by id.
     *
     * @param id session id
     * @return session, if any
     */
    Optional<MirrorSession> getSession(MirrorSessionId id);

    /**
     * Returns a session by name.
     *
     * @param name session name
     * @return session, if any
     */
    Optional<MirrorSession> getSessionByName(String name);

    /**
     * Returns all sessions.
     *
     * @return sessions
     */
    Collection<MirrorSession> getSessions();

    /**
     * Records a session's state on one host; does nothing when the session is gone or the state is unchanged.
     *
     * @param id      session id
     * @param agentId the host's agent
     * @param state   the new state
     */
    void updateHostState(MirrorSessionId id, String agentId, HostState state);

    /**
     * Allocates VLANs to a session, all or none: the ones asked for, or {@code count} free ids of the pool.
     *
     * @param owner  session id
     * @param pool   the pool to draw from
     * @param wanted specific VLANs (empty: draw from the pool)
     * @param count  how many to draw when none are asked for
     * @return the allocated VLANs
     * @throws MirrorException when a wanted VLAN is taken or the pool has too few free ids
     */
    List<Integer> allocateVlans(MirrorSessionId owner, VlanRange pool, List<Integer> wanted, int count);

    /**
     * Releases VLANs the session owns; ids it does not own are left alone.
     *
     * @param owner session id
     * @param vlans VLAN ids
     */
    void releaseVlans(MirrorSessionId owner, Collection<Integer> vlans);

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
     * Forgets an agent.
     *
     * @param agentId agent id
     */
    void removeAgent(String agentId);

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
