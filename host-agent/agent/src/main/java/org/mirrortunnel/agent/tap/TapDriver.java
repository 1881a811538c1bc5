package org.mirrortunnel.agent.tap;

import java.util.List;
import java.util.Set;
import org.mirrortunnel.agent.api.v1.TapCounters;

/**
 * A software TAP on the NSF's ports: the eBPF TAP (mtapctl), or a DPDK NSF's own TAP (its control socket).
 * Failures throw ExecException; a request the TAP refuses as invalid throws its subclass TapRefusedException.
 */
public interface TapDriver {
    /** Sessions one port can hold (the eBPF TAP's session array, the DPDK TAP's too). */
    int MAX_SESSIONS_PER_PORT = 16;

    /** What this TAP can tell, before anything changes, that keeps it from taking the session (throws). */
    default void check(TapSession session) {
    }

    /** Adds or replaces the session (idempotent). */
    void attach(TapSession session);

    /** Removes a session; a session (or port, or namespace) that is already gone is no failure. */
    void detach(String netns, String dev, int id);

    /** Session ids present on a port. */
    Set<Integer> sessions(String netns, String dev);

    /** A session on a port, named where it is. */
    record SessionAt(String netns, String dev, int id) {
    }

    /** The sessions, on any port of the namespace, that send their copies to the tunnel device. */
    List<SessionAt> tunnelUsers(String netns, String tunnel);

    TapCounters stats(String netns, String dev, int id);

    /** Whether the tunnel of a session has carrier now, as the TAP sees it: the session copies only then. */
    boolean tunnelCarrier(String netns, String dev, int id);
}
