package org.mirrortunnel.app.gui;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.impl.MirrorManager;
import org.onlab.osgi.ServiceDirectory;
import org.onlab.packet.MacAddress;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.ElementId;
import org.onosproject.net.Host;
import org.onosproject.net.HostId;
import org.onosproject.net.Link;
import org.onosproject.net.config.NetworkConfigService;
import org.onosproject.net.host.HostService;
import org.onosproject.net.intent.FlowRuleIntent;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentService;
import org.onosproject.net.intent.LinkCollectionIntent;
import org.onosproject.net.intent.PathIntent;
import org.onosproject.ui.topo.DeviceHighlight;
import org.onosproject.ui.topo.HostHighlight;
import org.onosproject.ui.topo.Highlights;
import org.onosproject.ui.topo.NodeBadge;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a session lives in ONOS's topology: the hosts of its sources and monitors, and the links its copies
 * cross, per source agent, from the installable intents of the app's intents keyed {@code <sessionId>/...}.
 */
final class SessionTopology {
    private final Set<HostId> sources;
    private final Set<HostId> monitors;
    private final Map<String, Set<Link>> linksBySource;

    private SessionTopology(Set<HostId> sources, Set<HostId> monitors, Map<String, Set<Link>> linksBySource) {
        this.sources = sources;
        this.monitors = monitors;
        this.linksBySource = linksBySource;
    }

    /**
     * Finds a session in the topology.
     *
     * @param session   the session
     * @param directory ONOS's services
     * @return its hosts and links
     */
    static SessionTopology of(MirrorSession session, ServiceDirectory directory) {
        ApplicationId appId = directory.get(CoreService.class).getAppId(MirrorManager.APP_NAME);
        HostService hosts = directory.get(HostService.class);
        MirrorAgentsConfig config = directory.get(NetworkConfigService.class)
                .getConfig(appId, MirrorAgentsConfig.class);
        Map<String, AgentEndpoint> endpoints = config == null ? Map.of() : config.agents().stream()
                .collect(Collectors.toMap(AgentEndpoint::agentId, e -> e));
        Map<String, AgentStatus> agents = directory.get(MirrorService.class).getAgents().stream()
                .collect(Collectors.toMap(AgentStatus::agentId, a -> a));

        Set<HostId> sources = hostsWithMacs(hosts, session.tapPoints().stream()
                .flatMap(p -> portMac(endpoints.get(p.agentId()), p)));
        Set<HostId> monitors = hostsWithMacs(hosts, session.monitorPoints().stream()
                .flatMap(m -> vfMac(agents.get(m.agentId()), m)));
        return new SessionTopology(sources, monitors, links(session, directory.get(IntentService.class), appId));
    }

    private static Stream<MacAddress> portMac(AgentEndpoint endpoint, TapPoint p) {
        String port = p.netns().isEmpty() ? p.ifname() : p.netns() + "/" + p.ifname();
        return endpoint == null ? Stream.empty() : endpoint.ports().entrySet().stream()
                .filter(e -> e.getValue().equals(port)).map(Map.Entry::getKey);
    }

    private static Stream<MacAddress> vfMac(AgentStatus agent, MonitorPoint m) {
        return agent == null ? Stream.empty() : agent.vfs().stream()
                .filter(vf -> vf.role() == AgentVf.Role.MONITOR && vf.vf().equals(m.vf()) && !vf.mac().isEmpty())
                .map(vf -> MacAddress.valueOf(vf.mac()));
    }

    private static Set<HostId> hostsWithMacs(HostService hosts, Stream<MacAddress> macs) {
        return macs.flatMap(mac -> hosts.getHostsByMac(mac).stream()).map(Host::id)
                .collect(Collectors.toCollection(() -> new TreeSet<>(Comparator.comparing(HostId::toString))));
    }

    private static Map<String, Set<Link>> links(MirrorSession session, IntentService intents, ApplicationId appId) {
        String prefix = session.id().id() + "/";
        Map<String, Set<Link>> bySource = new TreeMap<>();
        for (Intent intent : intents.getIntentsByAppId(appId)) {
            String key = intent.key().toString();
            if (!key.startsWith(prefix)) {
                continue;
            }
            String source = key.substring(prefix.length()).split("/", 2)[0];
            Set<Link> links = bySource.computeIfAbsent(source, s -> new HashSet<>());
            Optional.ofNullable(intents.getInstallableIntents(intent.key())).orElse(List.of())
                    .forEach(i -> links.addAll(linksOf(i)));
        }
        return bySource;
    }

    private static Set<Link> linksOf(Intent installable) {
        if (installable instanceof LinkCollectionIntent) {
            return ((LinkCollectionIntent) installable).links();
        }
        if (installable instanceof PathIntent) {
            return Set.copyOf(((PathIntent) installable).path().links());
        }
        if (installable instanceof FlowRuleIntent) {
            return installable.resources().stream().filter(r -> r instanceof Link).map(r -> (Link) r)
                    .collect(Collectors.toSet());
        }
        return Set.of();
    }

    /**
     * Returns the hosts of the session's sources.
     *
     * @return host ids
     */
    Set<HostId> sources() {
        return sources;
    }

    /**
     * Returns the hosts of the session's monitors.
     *
     * @return host ids
     */
    Set<HostId> monitors() {
        return monitors;
    }

    /**
     * Returns the links the copies of each source agent cross.
     *
     * @return links by source agent
     */
    Map<String, Set<Link>> linksBySource() {
        return linksBySource;
    }

    /**
     * Highlights the session: its hosts badged as source or monitor, the links of its copies labelled with the
     * rate mirrored onto them, everything else subdued.
     *
     * @param ppsBySource copies per second of each source agent
     * @return highlights
     */
    Highlights highlights(Map<String, Long> ppsBySource) {
        Highlights h = new Highlights();
        MirrorLink.Links links = new MirrorLink.Links();
        linksBySource.forEach((agent, ls) -> ls.forEach(l -> links.add(l)
                .addRate(ppsBySource.getOrDefault(agent, 0L))));
        for (MirrorLink link : links.biLinks()) {
            h.add(link.highlight(null));
            device(h, link.one().src().elementId());
            device(h, link.one().dst().elementId());
        }
        monitors.forEach(id -> host(h, id, NodeBadge.text(NodeBadge.Status.INFO, "M", "monitor")));
        sources.forEach(id -> host(h, id, NodeBadge.text(NodeBadge.Status.WARN, "S", "source")));
        return h.subdueAllElse(Highlights.Amount.MINIMALLY);
    }

    private static void device(Highlights h, ElementId id) {
        if (id instanceof DeviceId && h.getDevice(id.toString()) == null) {
            h.add(new DeviceHighlight(id.toString()));
        }
    }

    private static void host(Highlights h, HostId id, NodeBadge badge) {
        HostHighlight hh = new HostHighlight(id.toString());
        hh.setBadge(badge);
        h.add(hh);
    }
}
