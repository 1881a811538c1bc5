package org.mirrortunnel.app.gui;

import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.Direction;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.VfId;
import org.mirrortunnel.app.impl.MirrorManager;
import org.mirrortunnel.app.impl.MirrorTestContext;
import org.mirrortunnel.app.web.MirrorCodecRegistrator;
import org.onlab.junit.TestUtils;
import org.onlab.osgi.TestServiceDirectory;
import org.onlab.packet.MacAddress;
import org.onlab.packet.VlanId;
import org.onosproject.codec.CodecService;
import org.onosproject.codec.impl.CodecManager;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.core.CoreServiceAdapter;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DefaultHost;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.Host;
import org.onosproject.net.HostId;
import org.onosproject.net.HostLocation;
import org.onosproject.net.Link;
import org.onosproject.net.NetTestTools;
import org.onosproject.net.config.NetworkConfigService;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.device.DeviceServiceAdapter;
import org.onosproject.net.host.HostService;
import org.onosproject.net.host.HostServiceAdapter;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentService;
import org.onosproject.net.intent.IntentServiceAdapter;
import org.onosproject.net.intent.Key;
import org.onosproject.net.intent.LinkCollectionIntent;
import org.onosproject.net.link.LinkService;
import org.onosproject.net.link.LinkServiceAdapter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.onosproject.net.NetTestTools.connectPoint;

/**
 * A known network with the real mirror manager on it: four switches in a "T" (s1 - s2 - s3, s4 under s2), the
 * hosts of three agents' network functions and monitors, a bystander host, and the services the GUI's handlers
 * look up. Intents the manager submits (to its test context's intent service) get installables compiled over
 * these links, as a link collection.
 *
 * <pre>
 *   nsf-a (host-a) -- s1 -- s2 -- s3 -- nmf-b (host-b)
 *                           |  \
 *                           s4  bystander
 *                           |
 *            nsf-c, nmf-c (host-c)
 * </pre>
 */
final class GuiFixture {
    static final ApplicationId APP_ID = new DefaultApplicationId(7, MirrorManager.APP_NAME);
    static final String S1 = "0000000000000001";
    static final String S2 = "0000000000000002";
    static final String S3 = "0000000000000003";
    static final String S4 = "0000000000000004";
    static final MacAddress NSF_A = MacAddress.valueOf("02:00:00:00:0a:01");
    static final MacAddress NMF_B = MacAddress.valueOf("02:00:00:00:0b:09");
    static final MacAddress NSF_C = MacAddress.valueOf("02:00:00:00:0c:01");
    static final MacAddress NMF_C = MacAddress.valueOf("02:00:00:00:0c:09");
    static final MacAddress BYSTANDER = MacAddress.valueOf("02:00:00:00:0d:01");

    final MirrorTestContext ctx = new MirrorTestContext();
    final TopoHosts hosts = new TopoHosts();
    final TopoLinks links = new TopoLinks();
    final TopoDevices devices = new TopoDevices();
    final CompilingIntentService intents = new CompilingIntentService();
    final CodecManager codecs = new CodecManager();
    final TestServiceDirectory directory = new TestServiceDirectory();

    GuiFixture() {
        for (String[] l : new String[][]{{S1, "2", S2, "1"}, {S2, "2", S3, "1"}, {S2, "3", S4, "1"}}) {
            links.add(NetTestTools.link(l[0], Integer.parseInt(l[1]), l[2], Integer.parseInt(l[3])));
            links.add(NetTestTools.link(l[2], Integer.parseInt(l[3]), l[0], Integer.parseInt(l[1])));
        }
        hosts.add(NSF_A, S1, 1);
        hosts.add(NMF_B, S3, 1);
        hosts.add(NSF_C, S4, 1);
        hosts.add(NMF_C, S4, 2);
        hosts.add(BYSTANDER, S2, 4);

        agent("host-a", "02:00:00:00:0a:09",
                new AgentVf(new VfId("pf0", 1), AgentVf.Role.TUNNEL, "nsf", "tun0", ""),
                new AgentVf(new VfId("pf0", 2), AgentVf.Role.TUNNEL, "nsf", "tun1", ""),
                new AgentVf(new VfId("pf0", 3), AgentVf.Role.TUNNEL, "", "tun2", ""));
        agent("host-b", NMF_B.toString());
        agent("host-c", NMF_C.toString(), new AgentVf(new VfId("pf0", 1), AgentVf.Role.TUNNEL, "", "tun0", ""));
        ctx.netcfg.agents("{"
                + "\"host-a\": {\"address\": \"127.0.0.1:1\", \"plaintext\": true, \"uplink\": \"of:" + S1 + "/1\","
                + " \"ports\": {\"" + NSF_A + "\": \"nsf/svc0\"}},"
                + "\"host-b\": {\"address\": \"127.0.0.1:2\", \"plaintext\": true, \"uplink\": \"of:" + S3 + "/1\"},"
                + "\"host-c\": {\"address\": \"127.0.0.1:3\", \"plaintext\": true, \"uplink\": \"of:" + S4 + "/1\","
                + " \"ports\": {\"" + NSF_C + "\": \"svc0\"}}}");
        TestUtils.setField(ctx.manager, "hostService", hosts);

        codecs.activate();
        MirrorCodecRegistrator registrator = new MirrorCodecRegistrator();
        TestUtils.setField(registrator, "codecService", codecs);
        callActivate(registrator);

        directory.add(MirrorService.class, ctx.manager).add(MirrorAdminService.class, ctx.manager)
                .add(IntentService.class, intents).add(HostService.class, hosts)
                .add(LinkService.class, links).add(DeviceService.class, devices)
                .add(NetworkConfigService.class, ctx.netcfg).add(CodecService.class, codecs)
                .add(CoreService.class, new CoreServiceAdapter() {
                    @Override
                    public ApplicationId getAppId(String name) {
                        return MirrorManager.APP_NAME.equals(name) ? APP_ID : null;
                    }
                });
    }

    private static void callActivate(Object component) {
        try {
            TestUtils.callMethod(component, "activate", new Class<?>[0]);
        } catch (TestUtils.TestUtilsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An agent with a monitor VF "mon0" of the given MAC and the tunnel VFs given, connected. */
    private void agent(String id, String monitorMac, AgentVf... tunnels) {
        List<AgentVf> vfs = new ArrayList<>(List.of(tunnels));
        vfs.add(new AgentVf(new VfId("pf0", 9), AgentVf.Role.MONITOR, "", "mon0", monitorMac));
        ctx.store.putAgent(new AgentStatus(id, "127.0.0.1:1", "node", true, "1", "i40e", vfs, ""));
    }

    /** The two sessions of the view's screenshots: one across the fabric, one local, both reporting. */
    void addSampleSessions() {
        MirrorSession web = create(request("web-tap", "host-a:nsf/svc0", "host-b:mon0")
                .filter(MirrorFilter.builder().ipProtocol(6).port(80).build()));
        report(web, "host-a", OperState.ACTIVE, "", 1500, 2, 0);
        report(web, "host-b", OperState.ACTIVE, "", 0, 0, 1498);
        MirrorSession dns = create(request("dns", "host:" + NSF_C, "host-c:mon0").direction(Direction.RX)
                .vlans(List.of(3100)));
        report(dns, "host-c", OperState.PENDING, "tunnel has no carrier yet", 0, 0, 0);
    }

    /** A session request with one source and one monitor. */
    static MirrorSession.Builder request(String name, String source, String monitor) {
        return MirrorSession.builder().name(name).sources(List.of(MirrorEndpoint.parse(source)))
                .monitors(List.of(MirrorEndpoint.parse(monitor)));
    }

    /** Creates a session through the manager. */
    MirrorSession create(MirrorSession.Builder request) {
        return ctx.manager.createSession(request.build());
    }

    /** What an agent reports for a session: its state there, the TAP's counters and its monitor VFs' rx. */
    void report(MirrorSession session, String agent, OperState state, String message, long mirrored, long errors,
                long delivered) {
        ctx.store.updateHostState(session.id(), agent, new HostState(state, message,
                new MirrorCounters(mirrored + errors, mirrored, 0, 0, errors, delivered)));
    }

    MirrorSession session(String name) {
        return ctx.manager.getSessionByName(name).orElseThrow();
    }

    void stop() {
        ctx.stop();
    }

    /** Hosts by MAC, each at one switch port. */
    static final class TopoHosts extends HostServiceAdapter {
        final Map<HostId, Host> all = new LinkedHashMap<>();

        void add(MacAddress mac, String device, int port) {
            ConnectPoint cp = connectPoint(device, port);
            Host h = new DefaultHost(NetTestTools.PID, HostId.hostId(mac), mac, VlanId.NONE,
                    new HostLocation(cp, 0), Set.of());
            all.put(h.id(), h);
        }

        @Override
        public Iterable<Host> getHosts() {
            return List.copyOf(all.values());
        }

        @Override
        public Host getHost(HostId hostId) {
            return all.get(hostId);
        }

        @Override
        public Set<Host> getHostsByMac(MacAddress mac) {
            return all.values().stream().filter(h -> h.mac().equals(mac)).collect(Collectors.toSet());
        }
    }

    /** The switches' links, both directions. */
    static final class TopoLinks extends LinkServiceAdapter {
        final List<Link> all = new ArrayList<>();

        void add(Link link) {
            all.add(link);
        }

        @Override
        public Iterable<Link> getLinks() {
            return List.copyOf(all);
        }

        @Override
        public Iterable<Link> getActiveLinks() {
            return getLinks();
        }
    }

    /** The four switches. */
    static final class TopoDevices extends DeviceServiceAdapter {
        @Override
        public Iterable<Device> getDevices() {
            return List.of(NetTestTools.device(S1), NetTestTools.device(S2), NetTestTools.device(S3),
                    NetTestTools.device(S4));
        }
    }

    /**
     * Shows the intents the manager submitted and compiles each into a link collection: the shortest tree from the
     * uplink of the source agent its key names ({@code <sessionId>/<agent>/<vlan>}) to the uplinks of the
     * session's monitors elsewhere.
     */
    final class CompilingIntentService extends IntentServiceAdapter {

        @Override
        public Iterable<Intent> getIntentsByAppId(ApplicationId id) {
            return List.copyOf(ctx.intents.cluster().installed().values());
        }

        @Override
        public List<Intent> getInstallableIntents(Key key) {
            if (!ctx.intents.cluster().installed().containsKey(key.toString())) {
                return List.of();
            }
            String[] parts = key.toString().split("/");
            MirrorSession s = ctx.manager.getSession(MirrorSessionId.of(parts[0])).orElseThrow();
            ConnectPoint ingress = uplink(parts[1]);
            Set<FilteredConnectPoint> egress = s.monitorPoints().stream().map(m -> uplink(m.agentId()))
                    .filter(cp -> !cp.equals(ingress)).map(FilteredConnectPoint::new).collect(Collectors.toSet());
            Set<Link> tree = new HashSet<>();
            Map<DeviceId, Link> reachedBy = reachedBy(ingress.deviceId());
            for (FilteredConnectPoint e : egress) {
                for (DeviceId at = e.connectPoint().deviceId(); !at.equals(ingress.deviceId());
                     at = reachedBy.get(at).src().deviceId()) {
                    tree.add(reachedBy.get(at));
                }
            }
            return List.of(LinkCollectionIntent.builder().appId(APP_ID).key(key).links(tree)
                    .filteredIngressPoints(Set.of(new FilteredConnectPoint(ingress)))
                    .filteredEgressPoints(egress).build());
        }

        private ConnectPoint uplink(String agentId) {
            return ctx.netcfg.getConfig(APP_ID, MirrorAgentsConfig.class).agents()
                    .stream().filter(a -> a.agentId().equals(agentId)).findFirst().orElseThrow().uplink()
                    .orElseThrow();
        }

        private Map<DeviceId, Link> reachedBy(DeviceId root) {
            Map<DeviceId, Link> reached = new HashMap<>();
            Deque<DeviceId> queue = new ArrayDeque<>(List.of(root));
            while (!queue.isEmpty()) {
                DeviceId d = queue.poll();
                for (Link l : links.all) {
                    DeviceId next = l.dst().deviceId();
                    if (l.src().deviceId().equals(d) && !next.equals(root) && !reached.containsKey(next)) {
                        reached.put(next, l);
                        queue.add(next);
                    }
                }
            }
            return reached;
        }
    }
}
