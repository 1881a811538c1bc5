package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * Something one session holds alone in the cluster: its name, a VLAN, a tunnel VF of an agent. Sessions claim
 * resources in the store before they use them, so two sessions can never hold the same one.
 */
public final class MirrorResource {
    /** Kinds of resource. */
    public enum Kind {
        /** A session name. */
        NAME,
        /** A VLAN id. */
        VLAN,
        /** A tunnel VF, as "agent/pf/index". */
        TUNNEL
    }

    private final Kind kind;
    private final String value;

    private MirrorResource(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * Returns the resource of a session name.
     *
     * @param name session name
     * @return resource
     */
    public static MirrorResource name(String name) {
        return new MirrorResource(Kind.NAME, Objects.requireNonNull(name));
    }

    /**
     * Returns the resource of a VLAN.
     *
     * @param vlan VLAN id
     * @return resource
     */
    public static MirrorResource vlan(int vlan) {
        return new MirrorResource(Kind.VLAN, Integer.toString(vlan));
    }

    /**
     * Returns the resource of a tunnel VF on an agent's host.
     *
     * @param agentId the agent
     * @param vf      the tunnel VF
     * @return resource
     */
    public static MirrorResource tunnel(String agentId, VfId vf) {
        return new MirrorResource(Kind.TUNNEL, agentId + "/" + vf);
    }

    /**
     * Returns the kind.
     *
     * @return kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the VLAN id of a VLAN resource.
     *
     * @return VLAN id
     * @throws IllegalStateException for another kind
     */
    public int vlan() {
        if (kind != Kind.VLAN) {
            throw new IllegalStateException(this + " is not a VLAN");
        }
        return Integer.parseInt(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MirrorResource && ((MirrorResource) o).kind == kind
                && ((MirrorResource) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, value);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " " + value;
    }
}
