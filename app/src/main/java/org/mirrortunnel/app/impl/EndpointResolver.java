package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorResource;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapAt;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onlab.packet.MacAddress;
import org.onosproject.net.Host;
import org.onosproject.net.host.HostService;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
    private final Function<String, Optional<AgentStatus>> agents;
    private final Collection<AgentStatus> allAgents;
    private final Map<String, AgentEndpoint> endpoints;

    EndpointResolver(HostService hostService, Collection<AgentStatus> allAgents,
                     Map<String, AgentEndpoint> endpoints) {
        this.hostService = hostService;
        this.allAgents = allAgents;
        this.agents = id -> allAgents.stream().filter(a -> a.agentId().equals(id)).findFirst();
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
            List<VfId> allowed = inventory(agentId).stream()
                    .filter(vf -> vf.role() == AgentVf.Role.TUNNEL && vf.netns().equals(netns) != backEnd)
                    .sorted(Comparator.comparing(vf -> !vf.netns().isEmpty()))
                    .map(AgentVf::vf).collect(Collectors.toList());
            List<VfId> candidates = new ArrayList<>();
            if (before != null) {
                before.tapPoints().stream().filter(p -> p.agentId().equals(agentId) && p.netns().equals(netns)
                        && p.ifname().equals(ifname) && allowed.contains(p.tunnel()))
                        .forEach(p -> candidates.add(p.tunnel()));
            }
            candidates.addAll(allowed);
            VfId tunnel = candidates.stream().distinct()
                    .filter(vf -> points.stream().noneMatch(p -> p.agentId().equals(agentId) && p.tunnel().equals(vf)))
                    .filter(vf -> claims.claim(MirrorResource.tunnel(agentId, vf)).isEmpty())
                    .findFirst()
                    .orElseThrow(() -> new MirrorException(CONFLICT, "sources",
                            "no free tunnel VF " + (backEnd ? "outside" : "in") + " namespace '" + netns
                            + "' on agent " + agentId + " for source " + source));
            points.add(new TapPoint(agentId, netns, ifname, tunnel));
        }
        return points;
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
        return inventory(agentId).stream()
                .filter(vf -> vf.role() == AgentVf.Role.MONITOR && vf.ifname().equals(monitor.ifname().get())
                        && (monitor.netns().get().isEmpty() || vf.netns().equals(monitor.netns().get())))
                .findFirst().map(vf -> new MonitorPoint(agentId, vf.vf()))
                .orElseThrow(() -> new MirrorException("agent " + agentId + " has no monitor VF "
                        + monitor.ifname().get()));
    }

    private MonitorPoint monitorOfHost(MirrorEndpoint monitor) {
        Set<MacAddress> macs = macsOf(monitor);
        for (AgentStatus agent : allAgents) {
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
        return agents.apply(agentId).map(AgentStatus::vfs).orElseThrow(() -> new MirrorException(
                "agent " + agentId + " has not reported its inventory (is it in the network config and reachable?)"));
    }
}
