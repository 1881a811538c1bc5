package org.mirrortunnel.app.gui;

import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorEndpoint;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A session's parts as the GUI's cells show them.
 */
final class SessionText {
    private SessionText() {
    }

    /**
     * Returns endpoints as text, comma separated.
     *
     * @param endpoints sources or monitors
     * @return text
     */
    static String endpoints(List<MirrorEndpoint> endpoints) {
        return endpoints.stream().map(MirrorEndpoint::toString).collect(Collectors.joining(", "));
    }

    /**
     * Returns VLAN ids as text, comma separated.
     *
     * @param vlans VLAN ids
     * @return text
     */
    static String vlans(List<Integer> vlans) {
        return vlans.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /**
     * Returns the state on each host as text.
     *
     * @param hosts host states by agent id
     * @return text such as "host-a ACTIVE, host-b FAILED", "-" before any host reported
     */
    static String hostStates(Map<String, HostState> hosts) {
        return hosts.isEmpty() ? "-" : hosts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().state())
                .collect(Collectors.joining(", "));
    }
}
