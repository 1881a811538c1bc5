package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorResource;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapAt;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onlab.packet.MacAddress;
import org.onosproject.net.Host;
import org.onosproject.net.host.HostService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.mirrortunnel.app.api.MirrorException.Reason.CONFLICT;

/**
 * Turns the operator's endpoints into concrete ports: an agent's interface is checked against the agent's
 * inventory; a host (MAC or IP, through {@link HostService}) is found among the monitor VFs of the agents'
 * inventories or, for a source, among the ports each agent's network config names by MAC. Each source gets a
 * tunnel VF, claimed in the store so that no other session can hold it: at the front end one of the source's
 * namespace, at the back end one of another namespace, the host's own first.
 */
final class EndpointResolver {
    private final HostService hostService;
    private final MirrorStore store;
    private final Map<String, AgentEndpoint> endpoints;

    /**
     * Creates a resolver of one request.
     *
     * @param hostService ONOS's hosts
     * @param store       the agents' inventories
     * @param endpoints   the agents' network config by agent id
     */
    EndpointResolver(HostService hostService, MirrorStore store, Map<String, AgentEndpoint> endpoints) {
        this.hostService = hostService;
        this.store = store;
        this.endpoints = endpoints;
    }

    /**
     * Resolves a session's sources, giving each a tunnel VF that the call claims: the one the
     * source had in the session's stored version when it can keep it, else the first free one.
     *
     * @param session the session asked for
     * @param before  the session's stored version, null for a new session
     * @param claims  the call's claims
     * @return tap points
     * @throws MirrorException CONFLICT when a source has no free tunnel VF left
     */
    List<TapPoint> tapPoints(MirrorSession session, MirrorSession before, ResourceClaims claims) {
        List<TapPoint> points = new ArrayList<>();
        for (MirrorEndpoint source : session.sources()) {
            MirrorEndpoint port = source.isHost() ? sourcePortOf(source) : source;
            String agentId = port.agentId().orElseThrow();
            String netns = port.netns().orElseThrow();
            String ifname = port.ifname().orElseThrow();
            boolean backEnd = session.tapAt() == TapAt.BACK_END;
            // the back end's tunnel is in the namespace of the veth's peer, which the inventory does not name:
            // any other namespace, the host's own (where a vSwitch sits) first; the agent checks it
            List<VfId> candidates = new ArrayList<>();
            if (before != null) {
                for (TapPoint p : before.tapPoints()) {
                    if (p.agentId().equals(agentId) && p.netns().equals(netns) && p.ifname().equals(ifname)) {
                        candidates.add(p.tunnel());
                    }
                }
            }
            List<VfId> allowed = new ArrayList<>();
            List<VfId> elsewhere = new ArrayList<>();
            for (AgentVf vf : inventory(agentId)) {
                if (vf.role() == AgentVf.Role.TUNNEL && vf.netns().equals(netns) != backEnd) {
                    (vf.netns().isEmpty() ? allowed : elsewhere).add(vf.vf());
                }
            }
            allowed.addAll(elsewhere);
            candidates.retainAll(allowed);
            for (VfId vf : allowed) {
                if (!candidates.contains(vf)) {
                    candidates.add(vf);
                }
            }
            VfId tunnel = null;
            for (VfId vf : candidates) {
                if (!usedBy(points, agentId, vf) && claims.claim(MirrorResource.tunnel(agentId, vf)).isEmpty()) {
                    tunnel = vf;
                    break;
                }
            }
            if (tunnel == null) {
                throw new MirrorException(CONFLICT, "sources", "no free tunnel VF " + (backEnd ? "outside" : "in")
                        + " namespace '" + netns + "' on agent " + agentId + " for source " + source);
            }
            points.add(new TapPoint(agentId, netns, ifname, tunnel));
        }
        return points;
    }

    private static boolean usedBy(List<TapPoint> points, String agentId, VfId tunnel) {
        for (TapPoint p : points) {
            if (p.agentId().equals(agentId) && p.tunnel().equals(tunnel)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resolves a session's monitors to monitor VFs.
     *
     * @param session the session asked for
     * @return monitor points
     */
    List<MonitorPoint> monitorPoints(MirrorSession session) {
        List<MonitorPoint> points = new ArrayList<>();
        for (MirrorEndpoint monitor : session.monitors()) {
            MonitorPoint point = monitor.isHost() ? monitorOfHost(monitor) : monitorOfPort(monitor);
            if (!points.contains(point)) {
                points.add(point);
            }
        }
        return points;
    }

    private MonitorPoint monitorOfPort(MirrorEndpoint monitor) {
        String agentId = monitor.agentId().orElseThrow();
        String ifname = monitor.ifname().orElseThrow();
        String netns = monitor.netns().orElseThrow();
        for (AgentVf vf : inventory(agentId)) {
            if (vf.role() == AgentVf.Role.MONITOR && vf.ifname().equals(ifname)
                    && (netns.isEmpty() || vf.netns().equals(netns))) {
                return new MonitorPoint(agentId, vf.vf());
            }
        }
        throw new MirrorException("agent " + agentId + " has no monitor VF " + ifname);
    }

    private MonitorPoint monitorOfHost(MirrorEndpoint monitor) {
        Set<MacAddress> macs = macsOf(monitor);
        for (AgentStatus agent : store.getAgents()) {
            for (AgentVf vf : agent.vfs()) {
                if (vf.role() == AgentVf.Role.MONITOR && !vf.mac().isEmpty()
                        && macs.contains(MacAddress.valueOf(vf.mac()))) {
                    return new MonitorPoint(agent.agentId(), vf.vf());
                }
            }
        }
        throw new MirrorException("no agent has a monitor VF with the MAC of " + monitor);
    }

    private MirrorEndpoint sourcePortOf(MirrorEndpoint source) {
        Set<MacAddress> macs = macsOf(source);
        for (AgentEndpoint e : endpoints.values()) {
            for (Map.Entry<MacAddress, String> port : e.ports().entrySet()) {
                if (macs.contains(port.getKey())) {
                    String where = port.getValue();
                    int slash = where.lastIndexOf('/');
                    return MirrorEndpoint.port(e.agentId(), slash < 0 ? "" : where.substring(0, slash),
                            where.substring(slash + 1));
                }
            }
        }
        throw new MirrorException("no agent's network config names a port with the MAC of " + source);
    }

    private Set<MacAddress> macsOf(MirrorEndpoint endpoint) {
        if (endpoint.hostMac().isPresent()) {
            return Set.of(endpoint.hostMac().get());
        }
        Set<MacAddress> macs = hostService.getHostsByIp(endpoint.hostIp().orElseThrow()).stream()
                .map(Host::mac).collect(Collectors.toSet());
        if (macs.isEmpty()) {
            throw new MirrorException("ONOS knows no host with IP " + endpoint.hostIp().get());
        }
        return macs;
    }

    private List<AgentVf> inventory(String agentId) {
        return store.getAgent(agentId).map(AgentStatus::vfs).orElseThrow(() -> new MirrorException(
                "agent " + agentId + " has not reported its inventory (is it in the network config and reachable?)"));
    }
}
