package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * A resolved source: the port a TAP watches on an agent's host and the tunnel VF that carries its copies.
 */
public final class TapPoint {
    private final String agentId;
    private final String netns;
    private final String ifname;
    private final VfId tunnel;

    /**
     * Creates a tap point.
     *
     * @param agentId agent of the host
     * @param netns   namespace of the port, "" for the agent's own
     * @param ifname  the port's interface name
     * @param tunnel  the tunnel VF, in the same namespace
     */
    public TapPoint(String agentId, String netns, String ifname, VfId tunnel) {
        this.agentId = Objects.requireNonNull(agentId);
        this.netns = Objects.requireNonNull(netns);
        this.ifname = Objects.requireNonNull(ifname);
        this.tunnel = Objects.requireNonNull(tunnel);
    }

    /**
     * Returns the agent id.
     *
     * @return agent id
     */
    public String agentId() {
        return agentId;
    }

    /**
     * Returns the port's namespace.
     *
     * @return namespace, "" for the agent's own
     */
    public String netns() {
        return netns;
    }

    /**
     * Returns the port's interface name.
     *
     * @return interface name
     */
    public String ifname() {
        return ifname;
    }

    /**
     * Returns the tunnel VF.
     *
     * @return tunnel VF
     */
    public VfId tunnel() {
        return tunnel;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TapPoint)) {
            return false;
        }
        TapPoint p = (TapPoint) o;
        return agentId.equals(p.agentId) && netns.equals(p.netns) && ifname.equals(p.ifname)
                && tunnel.equals(p.tunnel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, netns, ifname, tunnel);
    }

    @Override
    public String toString() {
        return agentId + ":" + (netns.isEmpty() ? "" : netns + "/") + ifname + " tunnel " + tunnel;
    }
}
