package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * A resolved monitor: the VF on an agent's host that receives the session's VLANs.
 */
public final class MonitorPoint {
    private final String agentId;
    private final VfId vf;

    /**
     * Creates a monitor point.
     *
     * @param agentId agent of the host
     * @param vf      the monitor VF
     */
    public MonitorPoint(String agentId, VfId vf) {
        this.agentId = Objects.requireNonNull(agentId);
        this.vf = Objects.requireNonNull(vf);
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
     * Returns the monitor VF.
     *
     * @return VF
     */
    public VfId vf() {
        return vf;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MonitorPoint && ((MonitorPoint) o).agentId.equals(agentId)
                && ((MonitorPoint) o).vf.equals(vf);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, vf);
    }

    @Override
    public String toString() {
        return agentId + " vf " + vf;
    }
}
