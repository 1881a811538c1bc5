package org.mirrortunnel.app.api;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.Objects;

/**
 * What the cluster knows of one host agent: who programs it, whether it is reachable, and its inventory
 * as of its last answer.
 */
public final class AgentStatus {
    private final String agentId;
    private final String address;
    private final String owner;
    private final boolean connected;
    private final String version;
    private final String nicDriver;
    private final List<AgentVf> vfs;
    private final String message;

    /**
     * Creates an agent status.
     *
     * @param agentId   agent id
     * @param address   host:port the agent serves on
     * @param owner     the ONOS node that programs it
     * @param connected whether the owner reaches it now
     * @param version   the agent's version, "" before it first answered
     * @param nicDriver the agent's NIC backend, "" before it first answered
     * @param vfs       the agent's VF inventory
     * @param message   the last error, "" when none
     */
    public AgentStatus(String agentId, String address, String owner, boolean connected, String version,
                       String nicDriver, List<AgentVf> vfs, String message) {
        this.agentId = Objects.requireNonNull(agentId);
        this.address = Objects.requireNonNull(address);
        this.owner = Objects.requireNonNull(owner);
        this.connected = connected;
        this.version = Objects.requireNonNull(version);
        this.nicDriver = Objects.requireNonNull(nicDriver);
        this.vfs = ImmutableList.copyOf(vfs);
        this.message = Objects.requireNonNull(message);
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
     * Returns the agent's address.
     *
     * @return host:port
     */
    public String address() {
        return address;
    }

    /**
     * Returns the id of the ONOS node that programs this agent.
     *
     * @return node id
     */
    public String owner() {
        return owner;
    }

    /**
     * Tells whether the owner reaches the agent now.
     *
     * @return true when connected
     */
    public boolean connected() {
        return connected;
    }

    /**
     * Returns the agent's version.
     *
     * @return version
     */
    public String version() {
        return version;
    }

    /**
     * Returns the agent's NIC backend.
     *
     * @return "i40e" or "emulated"
     */
    public String nicDriver() {
        return nicDriver;
    }

    /**
     * Returns the agent's VF inventory.
     *
     * @return VFs
     */
    public List<AgentVf> vfs() {
        return vfs;
    }

    /**
     * Returns the last error.
     *
     * @return message, "" when none
     */
    public String message() {
        return message;
    }

    /**
     * Returns this status marked as unreachable, keeping the inventory last seen.
     *
     * @param error why the agent cannot be reached
     * @return new status
     */
    public AgentStatus disconnected(String error) {
        return new AgentStatus(agentId, address, owner, false, version, nicDriver, vfs, error);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AgentStatus)) {
            return false;
        }
        AgentStatus a = (AgentStatus) o;
        return agentId.equals(a.agentId) && address.equals(a.address) && owner.equals(a.owner)
                && connected == a.connected && version.equals(a.version) && nicDriver.equals(a.nicDriver)
                && vfs.equals(a.vfs) && message.equals(a.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, address, owner, connected, version, nicDriver, vfs, message);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this).add("id", agentId).add("address", address).add("owner", owner)
                .add("connected", connected).add("message", message).toString();
    }
}
