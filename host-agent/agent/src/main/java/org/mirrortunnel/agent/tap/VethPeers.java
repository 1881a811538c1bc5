package org.mirrortunnel.agent.tap;

/** Finds the other end of a veth pair: where a back-end TAP watches an NSF's port. */
public interface VethPeers {
    /** An interface and its namespace ("" = the agent's own). */
    record Port(String netns, String ifname) {
    }

    /**
     * The peer of a veth. Throws IllegalArgumentException saying why when the port has no peer the agent can
     * reach (not a veth; the peer in a namespace with no name), ExecException when the port cannot be read.
     */
    Port peer(String netns, String ifname);
}
