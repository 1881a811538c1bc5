package org.mirrortunnel.app.gui;

import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.OperState;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one place the GUI reads a session's state on each host and its counters from.
 */
final class SessionStates {

    /**
     * Returns the session's state on each host, by agent id in order.
     *
     * @param session a session
     * @return host states
     */
    Map<String, HostState> hosts(MirrorSession session) {
        return new TreeMap<>(session.hostStates());
    }

    /**
     * Returns the session's state: the worst over its hosts.
     *
     * @param session a session
     * @return operational state
     */
    OperState state(MirrorSession session) {
        return session.operState();
    }

    /**
     * Returns the counters summed over the session's hosts: the TAP's, and as copies delivered the packets the
     * session's monitor VFs received (a monitor VF that several sessions share counts the copies of all of them).
     *
     * @param session a session
     * @return counters
     */
    MirrorCounters counters(MirrorSession session) {
        return session.counters();
    }
}
