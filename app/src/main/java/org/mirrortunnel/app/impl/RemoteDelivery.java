package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapPoint;
import org.onlab.packet.VlanId;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.Key;
import org.onosproject.net.intent.SinglePointToMultiPointIntent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The intents that carry a session's copies across the fabric, as ONOS's own
 * {@link SinglePointToMultiPointIntent}: for each source host with a monitor on another host, one intent per
 * session VLAN, keyed {@code <sessionId>/<sourceAgentId>/<vlan>}, that matches the VLAN only and changes
 * nothing (the copies keep their tag), from the source host's uplink to the uplinks of the monitor hosts.
 * ONOS compiles them, installs them, re-routes them when the topology changes and replicates them.
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
    static List<Intent> intentsFor(ApplicationId appId, MirrorSession session,
                                   Map<String, AgentEndpoint> endpoints) {
        List<Intent> intents = new ArrayList<>();
        for (Delivery d : deliveries(session, endpoints)) {
            for (int vlan : session.vlans()) {
                intents.add(SinglePointToMultiPointIntent.builder().appId(appId)
                        .key(key(appId, session, d.source, vlan))
                        .selector(DefaultTrafficSelector.builder().matchVlanId(VlanId.vlanId((short) vlan)).build())
                        .treatment(DefaultTrafficTreatment.emptyTreatment())
                        .filteredIngressPoint(d.ingress).filteredEgressPoints(d.egress).build());
            }
        }
        return intents;
    }

    /**
     * Returns the keys of every intent a session can have needed, whatever the network config said: one per
     * source host with a monitor on another host and session VLAN.
     *
     * @param appId   the app
     * @param session session with VLANs and resolved endpoints
     * @return intent keys
     */
    static List<Key> possibleKeys(ApplicationId appId, MirrorSession session) {
        List<Key> keys = new ArrayList<>();
        for (String source : sourceAgents(session)) {
            if (hasRemoteMonitor(session, source)) {
                for (int vlan : session.vlans()) {
                    keys.add(key(appId, session, source, vlan));
                }
            }
        }
        return keys;
    }

    /**
     * Checks that the network config has the uplinks a session's remote delivery needs.
     *
     * @param session   session with resolved endpoints
     * @param endpoints agents' network config by agent id
     * @throws MirrorException when a host on the way has no uplink in the network config
     */
    static void check(MirrorSession session, Map<String, AgentEndpoint> endpoints) {
        deliveries(session, endpoints);
    }

    private static Key key(ApplicationId appId, MirrorSession session, String sourceAgent, int vlan) {
        return Key.of(session.id().id() + "/" + sourceAgent + "/" + vlan, appId);
    }

    /** For each source host with a monitor on another host: its uplink and the monitor hosts' uplinks. */
    private static List<Delivery> deliveries(MirrorSession session, Map<String, AgentEndpoint> endpoints) {
        List<Delivery> deliveries = new ArrayList<>();
        for (String source : sourceAgents(session)) {
            if (!hasRemoteMonitor(session, source)) {
                continue;
            }
            Set<FilteredConnectPoint> egress = new LinkedHashSet<>();
            for (MonitorPoint m : session.monitorPoints()) {
                if (!m.agentId().equals(source)) {
                    egress.add(new FilteredConnectPoint(uplink(endpoints, m.agentId())));
                }
            }
            FilteredConnectPoint ingress = new FilteredConnectPoint(uplink(endpoints, source));
            egress.remove(ingress);
            if (!egress.isEmpty()) { // else the hosts share one fabric port: the NIC delivers
                deliveries.add(new Delivery(source, ingress, egress));
            }
        }
        return deliveries;
    }

    /** The session's source hosts, each once, in order of their ids. */
    private static List<String> sourceAgents(MirrorSession session) {
        List<String> agents = new ArrayList<>();
        for (TapPoint p : session.tapPoints()) {
            if (!agents.contains(p.agentId())) {
                agents.add(p.agentId());
            }
        }
        agents.sort(null);
        return agents;
    }

    private static boolean hasRemoteMonitor(MirrorSession session, String sourceAgent) {
        for (MonitorPoint m : session.monitorPoints()) {
            if (!m.agentId().equals(sourceAgent)) {
                return true;
            }
        }
        return false;
    }

    /** One source host's share: where its copies enter the fabric and where they leave it. */
    private static final class Delivery {
        private final String source;
        private final FilteredConnectPoint ingress;
        private final Set<FilteredConnectPoint> egress;

        Delivery(String source, FilteredConnectPoint ingress, Set<FilteredConnectPoint> egress) {
            this.source = source;
            this.ingress = ingress;
            this.egress = egress;
        }
    }

    /**
     * Returns the session an intent of this app belongs to, from its key.
     *
     * @param key intent key
     * @return session id text
     */
    static String sessionOf(Key key) {
        String text = key.toString();
        int slash = text.indexOf('/');
        return slash < 0 ? text : text.substring(0, slash);
    }

    /**
     * Tells whether two intents deliver the same way: same key, selector, treatment, ports and priority.
     *
     * @param a an intent
     * @param b another
     * @return true when submitting one over the other changes nothing
     */
    static boolean sameDelivery(Intent a, Intent b) {
        if (!(a instanceof SinglePointToMultiPointIntent) || !(b instanceof SinglePointToMultiPointIntent)) {
            return false;
        }
        SinglePointToMultiPointIntent x = (SinglePointToMultiPointIntent) a;
        SinglePointToMultiPointIntent y = (SinglePointToMultiPointIntent) b;
        return x.key().equals(y.key()) && x.appId().equals(y.appId()) && x.selector().equals(y.selector())
                && x.treatment().equals(y.treatment()) && x.priority() == y.priority()
                && x.filteredIngressPoint().equals(y.filteredIngressPoint())
                && x.filteredEgressPoints().equals(y.filteredEgressPoints())
                && x.constraints().equals(y.constraints()) && Objects.equals(x.resourceGroup(), y.resourceGroup());
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
