package org.mirrortunnel.app.intent;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableSet;
import org.onlab.packet.VlanId;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.ResourceGroup;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.intent.ConnectivityIntent;
import org.onosproject.net.intent.Key;

import java.util.List;
import java.util.Set;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Carries one mirror VLAN from the uplink of the host where the copies enter the fabric to the uplinks of
 * the hosts of its remote monitors, unchanged (still tagged), along a tree.
 */
public final class MirrorIntent extends ConnectivityIntent {
    private final ConnectPoint ingressPoint;
    private final Set<ConnectPoint> egressPoints;
    private final VlanId vlan;

    private MirrorIntent(ApplicationId appId, Key key, ConnectPoint ingressPoint, Set<ConnectPoint> egressPoints,
                         VlanId vlan, int priority) {
        super(appId, key, List.of(), DefaultTrafficSelector.builder().matchVlanId(vlan).build(),
                DefaultTrafficTreatment.emptyTreatment(), List.of(), priority, (ResourceGroup) null);
        this.ingressPoint = ingressPoint;
        this.egressPoints = ImmutableSet.copyOf(egressPoints);
        this.vlan = vlan;
    }

    /** For serialization. */
    private MirrorIntent() {
        super();
        this.ingressPoint = null;
        this.egressPoints = null;
        this.vlan = null;
    }

    /**
     * Returns the uplink where the copies enter the fabric.
     *
     * @return ingress point
     */
    public ConnectPoint ingressPoint() {
        return ingressPoint;
    }

    /**
     * Returns the uplinks of the monitors' hosts.
     *
     * @return egress points
     */
    public Set<ConnectPoint> egressPoints() {
        return egressPoints;
    }

    /**
     * Returns the VLAN carried.
     *
     * @return VLAN id
     */
    public VlanId vlan() {
        return vlan;
    }

    /**
     * Returns a new builder.
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this).add("key", key()).add("appId", appId()).add("vlan", vlan)
                .add("ingress", ingressPoint).add("egress", egressPoints).toString();
    }

    /**
     * Builds a mirror intent.
     */
    public static final class Builder {
        private ApplicationId appId;
        private Key key;
        private ConnectPoint ingressPoint;
        private Set<ConnectPoint> egressPoints = Set.of();
        private VlanId vlan;
        private int priority = DEFAULT_INTENT_PRIORITY;

        private Builder() {
        }

        /**
         * Sets the application id.
         *
         * @param id application id
         * @return this builder
         */
        public Builder appId(ApplicationId id) {
            this.appId = id;
            return this;
        }

        /**
         * Sets the key.
         *
         * @param newKey intent key
         * @return this builder
         */
        public Builder key(Key newKey) {
            this.key = newKey;
            return this;
        }

        /**
         * Sets the ingress point.
         *
         * @param point ingress
         * @return this builder
         */
        public Builder ingressPoint(ConnectPoint point) {
            this.ingressPoint = point;
            return this;
        }

        /**
         * Sets the egress points.
         *
         * @param points egresses
         * @return this builder
         */
        public Builder egressPoints(Set<ConnectPoint> points) {
            this.egressPoints = points;
            return this;
        }

        /**
         * Sets the VLAN.
         *
         * @param id VLAN id
         * @return this builder
         */
        public Builder vlan(VlanId id) {
            this.vlan = id;
            return this;
        }

        /**
         * Sets the priority.
         *
         * @param newPriority flow priority
         * @return this builder
         */
        public Builder priority(int newPriority) {
            this.priority = newPriority;
            return this;
        }

        /**
         * Builds the intent.
         *
         * @return intent
         */
        public MirrorIntent build() {
            checkNotNull(appId, "appId");
            checkNotNull(ingressPoint, "ingressPoint");
            checkNotNull(vlan, "vlan");
            checkArgument(!egressPoints.isEmpty(), "a mirror intent needs an egress point");
            checkArgument(!egressPoints.contains(ingressPoint), "the ingress point cannot be an egress point");
            return new MirrorIntent(appId, key, ingressPoint, egressPoints, vlan, priority);
        }
    }
}
