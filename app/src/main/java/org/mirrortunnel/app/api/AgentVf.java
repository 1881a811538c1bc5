package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * A VF an agent may use, from the agent's inventory: its role, where its netdev lives and its MAC.
 */
public final class AgentVf {
    /** What the VF is for. */
    public enum Role {
        /** Carries a TAP's copies into the NIC. */
        TUNNEL,
        /** Receives mirrored VLANs for a monitoring function. */
        MONITOR
    }

    private final VfId vf;
    private final Role role;
    private final String netns;
    private final String ifname;
    private final String mac;

    /**
     * Creates an inventory entry.
     *
     * @param vf     the VF
     * @param role   its role
     * @param netns  namespace of its netdev, "" for the agent's own
     * @param ifname its netdev name
     * @param mac    its MAC, "" when unknown
     */
    public AgentVf(VfId vf, Role role, String netns, String ifname, String mac) {
        this.vf = Objects.requireNonNull(vf);
        this.role = Objects.requireNonNull(role);
        this.netns = Objects.requireNonNull(netns);
        this.ifname = Objects.requireNonNull(ifname);
        this.mac = Objects.requireNonNull(mac);
    }

    /**
     * Returns the VF.
     *
     * @return VF
     */
    public VfId vf() {
        return vf;
    }

    /**
     * Returns the role.
     *
     * @return role
     */
    public Role role() {
        return role;
    }

    /**
     * Returns the netdev's namespace.
     *
     * @return namespace, "" for the agent's own
     */
    public String netns() {
        return netns;
    }

    /**
     * Returns the netdev's name.
     *
     * @return interface name
     */
    public String ifname() {
        return ifname;
    }

    /**
     * Returns the MAC.
     *
     * @return MAC, "" when unknown
     */
    public String mac() {
        return mac;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AgentVf)) {
            return false;
        }
        AgentVf a = (AgentVf) o;
        return vf.equals(a.vf) && role == a.role && netns.equals(a.netns) && ifname.equals(a.ifname)
                && mac.equals(a.mac);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vf, role, netns, ifname, mac);
    }

    @Override
    public String toString() {
        return role + " " + vf + " " + (netns.isEmpty() ? "" : netns + "/") + ifname;
    }
}
