package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.intent.MirrorIntent;
import org.onlab.packet.VlanId;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.intent.Key;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The intents that carry a session's copies across the fabric: for each source host with a monitor on
 * another host, one intent per session VLAN from the source host's uplink to the monitor hosts' uplinks.
 */
final class RemoteDelivery {
    private RemoteDelivery() {
    }

    /**
     * Returns the intents a session needs (none when all its monitors are local to its sources).
     *
     * @param appId     the app
     * @param session   session with VLANs and resolved endpoints
     * @param endpoints agents' network config by agent id
     * @return intents
     * @throws MirrorException when a host on the way has no uplink in the network config
     */
    static List<MirrorIntent> intentsFor(ApplicationId appId, MirrorSession session,
                                         Map<String, AgentEndpoint> endpoints) {
        List<MirrorIntent> intents = new ArrayList<>();
        Set<String> sourceAgents = new TreeSet<>();
        session.tapPoints().stream().map(TapPoint::agentId).forEach(sourceAgents::add);
        for (String source : sourceAgents) {
            Set<ConnectPoint> egress = new LinkedHashSet<>();
            for (MonitorPoint m : session.monitorPoints()) {
                if (!m.agentId().equals(source)) {
                    egress.add(uplink(endpoints, m.agentId()));
                }
            }
            if (egress.isEmpty()) {
                continue;
            }
            ConnectPoint ingress = uplink(endpoints, source);
            egress.remove(ingress);
            if (egress.isEmpty()) {
                continue; // the hosts share one fabric port: the NIC delivers
            }
            for (int vlan : session.vlans()) {
                intents.add(MirrorIntent.builder().appId(appId)
                        .key(Key.of(session.id().id() + "/" + source + "/" + vlan, appId))
                        .ingressPoint(ingress).egressPoints(egress).vlan(VlanId.vlanId((short) vlan)).build());
            }
        }
        return intents;
    }

    private static ConnectPoint uplink(Map<String, AgentEndpoint> endpoints, String agentId) {
        AgentEndpoint e = endpoints.get(agentId);
        if (e == null || e.uplink().isEmpty()) {
            throw new MirrorException("remote delivery needs the uplink of agent " + agentId
                    + " in the network config");
        }
        return e.uplink().get();
    }
}
