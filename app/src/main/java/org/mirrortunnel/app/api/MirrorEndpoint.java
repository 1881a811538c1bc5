package org.mirrortunnel.app.api;

import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * A source or monitor as the operator names it: an agent's interface ({@code agent:ifname}, or
 * {@code agent:netns/ifname} for an interface in a network namespace), or an ONOS host by MAC or IP
 * ({@code host:00:00:00:00:00:01}, {@code host:10.0.0.1}).
 */
public final class MirrorEndpoint {
    private static final String HOST_PREFIX = "host:";
    private static final String MAC = "([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}";

    private final String agentId;
    private final String netns;
    private final String ifname;
    private final MacAddress hostMac;
    private final IpAddress hostIp;

    private MirrorEndpoint(String agentId, String netns, String ifname, MacAddress hostMac, IpAddress hostIp) {
        this.agentId = agentId;
        this.netns = netns;
        this.ifname = ifname;
        this.hostMac = hostMac;
        this.hostIp = hostIp;
    }

    /**
     * Names an interface on an agent's host.
     *
     * @param agentId agent id
     * @param netns   network namespace, "" for the agent's own
     * @param ifname  interface name
     * @return endpoint
     */
    public static MirrorEndpoint port(String agentId, String netns, String ifname) {
        if (agentId.isEmpty() || ifname.isEmpty()) {
            throw new MirrorException("an endpoint needs an agent and an interface: agent:ifname");
        }
        return new MirrorEndpoint(agentId, Objects.requireNonNull(netns), ifname, null, null);
    }

    /**
     * Names an ONOS host by MAC.
     *
     * @param mac host MAC
     * @return endpoint
     */
    public static MirrorEndpoint host(MacAddress mac) {
        return new MirrorEndpoint(null, null, null, Objects.requireNonNull(mac), null);
    }

    /**
     * Names an ONOS host by IP.
     *
     * @param ip host IP
     * @return endpoint
     */
    public static MirrorEndpoint host(IpAddress ip) {
        return new MirrorEndpoint(null, null, null, null, Objects.requireNonNull(ip));
    }

    /**
     * Parses the textual form (see the class description).
     *
     * @param text endpoint text
     * @return endpoint
     * @throws MirrorException when the text is none of the forms
     */
    public static MirrorEndpoint parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith(HOST_PREFIX)) {
            String h = t.substring(HOST_PREFIX.length());
            try {
                return h.matches(MAC) ? host(MacAddress.valueOf(h)) : host(IpAddress.valueOf(h));
            } catch (IllegalArgumentException e) {
                throw new MirrorException("'" + h + "' is neither a MAC nor an IP address");
            }
        }
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new MirrorException("endpoint must be agent:ifname, agent:netns/ifname or host:MAC|IP, not '"
                    + text + "'");
        }
        String where = t.substring(colon + 1);
        int slash = where.lastIndexOf('/');
        return port(t.substring(0, colon), slash < 0 ? "" : where.substring(0, slash), where.substring(slash + 1));
    }

    /**
     * Tells whether this endpoint names an ONOS host rather than an agent's interface.
     *
     * @return true for a host
     */
    public boolean isHost() {
        return agentId == null;
    }

    /**
     * Returns the agent id, for an interface endpoint.
     *
     * @return agent id
     */
    public Optional<String> agentId() {
        return Optional.ofNullable(agentId);
    }

    /**
     * Returns the network namespace ("" = the agent's own), for an interface endpoint.
     *
     * @return namespace
     */
    public Optional<String> netns() {
        return Optional.ofNullable(netns);
    }

    /**
     * Returns the interface name, for an interface endpoint.
     *
     * @return interface name
     */
    public Optional<String> ifname() {
        return Optional.ofNullable(ifname);
    }

    /**
     * Returns the host MAC, for a host named by MAC.
     *
     * @return MAC
     */
    public Optional<MacAddress> hostMac() {
        return Optional.ofNullable(hostMac);
    }

    /**
     * Returns the host IP, for a host named by IP.
     *
     * @return IP
     */
    public Optional<IpAddress> hostIp() {
        return Optional.ofNullable(hostIp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MirrorEndpoint && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        if (isHost()) {
            return HOST_PREFIX + (hostMac != null ? hostMac : hostIp);
        }
        return agentId + ":" + (netns.isEmpty() ? "" : netns + "/") + ifname;
    }
}
