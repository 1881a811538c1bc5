package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapPoint;
import org.onlab.packet.MacAddress;
import org.onosproject.net.Host;
import org.onosproject.net.host.HostService;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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
 * tunnel VF of its namespace that no other session uses.
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
     * Resolves a session's sources, giving each a free tunnel VF.
     *
     * @param session the session asked for (its id, when set, is ignored among the users of tunnels)
     * @param others  all stored sessions
     * @return tap points
     */
    List<TapPoint> tapPoints(MirrorSession session, Collection<MirrorSession> others) {
        Set<String> used = others.stream().filter(s -> !s.id().equals(session.id()))
                .flatMap(s -> s.tapPoints().stream()).map(p -> p.agentId() + "|" + p.tunnel())
                .collect(Collectors.toCollection(HashSet::new));
        List<TapPoint> points = new ArrayList<>();
        for (MirrorEndpoint source : session.sources()) {
            MirrorEndpoint port = source.isHost() ? sourcePortOf(source) : source;
            String agentId = port.agentId().orElseThrow();
            String netns = port.netns().orElseThrow();
            AgentVf tunnel = inventory(agentId).stream()
                    .filter(vf -> vf.role() == AgentVf.Role.TUNNEL && vf.netns().equals(netns))
                    .filter(vf -> !used.contains(agentId + "|" + vf.vf()))
                    .findFirst()
                    .orElseThrow(() -> new MirrorException(CONFLICT, "sources",
                            "no free tunnel VF in namespace '" + netns
                            + "' on agent " + agentId + " for source " + source));
            used.add(agentId + "|" + tunnel.vf());
            points.add(new TapPoint(agentId, netns, port.ifname().orElseThrow(), tunnel.vf()));
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
