package org.mirrortunnel.agent.tap;

import java.util.List;
import java.util.Set;
import org.mirrortunnel.agent.api.v1.TapCounters;

/**
 * A software TAP on the NSF's ports. The eBPF TAP is controlled through mtapctl; a DPDK TAP, controlled
 * through its own control path, would be a second implementation. Failures throw ExecException.
 */
public interface TapDriver {
    /** Sessions one port can hold (the eBPF TAP's session array). */
    int MAX_SESSIONS_PER_PORT = 16;

    /** "ebpf" or "dpdk". */
    String kind();

    /** Adds or replaces the session (idempotent). */
    void attach(TapSession session);

    /** Removes a session; a session (or port, or namespace) that is already gone is no failure. */
    void detach(String netns, String dev, int id);

    /** Session ids present on a port. */
    Set<Integer> sessions(String netns, String dev);

    TapCounters stats(String netns, String dev, int id);

    /** Whether the tunnel of a session has carrier now, as the TAP sees it: the session copies only then. */
    boolean tunnelCarrier(String netns, String dev, int id);

    /**
     * The long-running program that makes the TAP follow its tunnels' carrier in a namespace and prints one
     * JSON line per change ({"event":"session","tunnel":T,"active":B,...}).
     */
    List<String> watchCommand(String netns);
}
