package org.mirrortunnel.fabric;

import org.onlab.packet.VlanId;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.intent.Key;
import org.onosproject.net.intent.SinglePointToMultiPointIntent;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The intent the Mirror Tunnel app submits for remote delivery of one session VLAN from one source host: ONOS's
 * SinglePointToMultiPointIntent with key {@code <sessionId>/<sourceAgentId>/<vlan>}, the VLAN as the only
 * selector, an empty treatment, the source agent's uplink as ingress and the monitor agents' uplinks as egress.
 */
public final class RemoteDeliveryIntents {
    private RemoteDeliveryIntents() {
    }

    /**
     * Builds the intent.
     *
     * @param appId   the app
     * @param session session id
     * @param source  source agent id
     * @param vlan    session VLAN
     * @param ingress the source agent's uplink
     * @param egress  the monitor agents' uplinks
     * @return the intent
     */
    public static SinglePointToMultiPointIntent of(ApplicationId appId, String session, String source, int vlan,
                                                   ConnectPoint ingress, Set<ConnectPoint> egress) {
        return SinglePointToMultiPointIntent.builder()
                .appId(appId)
                .key(Key.of(session + "/" + source + "/" + vlan, appId))
                .selector(DefaultTrafficSelector.builder().matchVlanId(VlanId.vlanId((short) vlan)).build())
                .treatment(DefaultTrafficTreatment.emptyTreatment())
                .filteredIngressPoint(new FilteredConnectPoint(ingress))
                .filteredEgressPoints(egress.stream().map(FilteredConnectPoint::new).collect(Collectors.toSet()))
                .build();
    }
}
