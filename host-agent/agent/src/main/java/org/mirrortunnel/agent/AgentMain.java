package org.mirrortunnel.agent;

import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.Limits;
import org.mirrortunnel.agent.api.v1.PfInfo;
import org.mirrortunnel.agent.api.v1.VfInfo;
import org.mirrortunnel.agent.config.AgentConfig;
import org.mirrortunnel.agent.core.BindingManager;
import org.mirrortunnel.agent.core.Entry;
import org.mirrortunnel.agent.core.EventHub;
import org.mirrortunnel.agent.core.Inventory;
import org.mirrortunnel.agent.core.StateStore;
import org.mirrortunnel.agent.core.StatsCollector;
import org.mirrortunnel.agent.core.TapRouter;
import org.mirrortunnel.agent.core.Validator;
import org.mirrortunnel.agent.exec.CommandRunner;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.ProcessRunner;
import org.mirrortunnel.agent.grpc.AgentService;
import org.mirrortunnel.agent.grpc.TlsFiles;
import org.mirrortunnel.agent.metrics.MetricsServer;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.NicDrivers;
import org.mirrortunnel.agent.nic.VlanList;
import org.mirrortunnel.agent.tap.CarrierWatchers;
import org.mirrortunnel.agent.tap.DpdkWatcher;
import org.mirrortunnel.agent.tap.EbpfTap;
import org.mirrortunnel.agent.tap.IpVethPeers;
import org.mirrortunnel.agent.tap.TapDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The host agent daemon: {@code java -jar mirror-agent.jar --config agent.json}. */
@Command(name = "mirror-agent", mixinStandardHelpOptions = true, version = AgentMain.VERSION,
        description = "Mirror Tunnel host agent: gRPC-commanded SW TAP, tunnel VF, VLAN mirror and loopback.")
public final class AgentMain implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    @Option(names = "--config", required = true, description = "agent configuration file (JSON)")
    private Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentMain()).execute(args));
    }

    /**
     * Checks the configuration, locks the state directory and reads the state file before anything on the
     * host is touched: a problem with any of them is one line on stderr and exit code 2, nothing changed.
     */
    @Override
    public Integer call() throws Exception {
        AgentConfig config;
        StateStore store;
        List<Entry> saved;
        try {
            config = AgentConfig.load(configFile);
        } catch (IllegalArgumentException | StatusRuntimeException e) {
            return refuse(configFile + ": " + message(e));
        }
        try {
            store = new StateStore(Path.of(config.stateDir));
            store.lock();
            saved = store.load();
        } catch (StateStore.StateException | IOException e) {
            return refuse(e.getMessage());
        }
        CommandRunner runner = new ProcessRunner(Duration.ofMillis(config.commandTimeoutMs));
        NicDriver nic = NicDrivers.create(config, runner);
        Inventory inventory;
        try {
            inventory = Inventory.discover(config, nic);
        } catch (IllegalArgumentException | StatusRuntimeException e) {
            return refuse(configFile + ": " + message(e));
        }
        EbpfTap ebpf = new EbpfTap(runner, config.tap.mtapctl);
        TapRouter tap;
        try {
            tap = new TapRouter(ebpf, config.tap.dpdk, Duration.ofMillis(config.commandTimeoutMs));
        } catch (IllegalArgumentException | StatusRuntimeException e) {
            return refuse(configFile + ": " + message(e));
        }
        EventHub events = new EventHub();
        BindingManager bindings = new BindingManager(inventory,
                new Validator(inventory, config.vlanMin, config.vlanMax), nic, tap,
                new IpVethPeers(runner, config.nic.ip), store, events);
        StatsCollector stats = new StatsCollector(bindings, nic, tap);

        CarrierWatchers.Listener listener = new CarrierWatchers.Listener() {
            @Override
            public void carrier(String netns, String tunnel, boolean up) {
                bindings.carrier(netns, tunnel, up);
            }

            @Override
            public void failed(String netns, String message) {
                events.error(message);
            }
        };
        CarrierWatchers watchers = new CarrierWatchers(runner, ebpf, store.dir(), listener);
        List<DpdkWatcher> dpdkWatchers = new ArrayList<>();
        tap.dpdk().forEach((nsf, netns) -> dpdkWatchers.add(new DpdkWatcher(nsf, netns, listener).start()));
        try {
            serve(config, inventory, nic, tap, bindings, saved, stats, watchers);
        } finally {
            watchers.close();
            dpdkWatchers.forEach(DpdkWatcher::close);
        }
        return 0;
    }

    private static int refuse(String message) {
        System.err.println("mirror-agent: " + message);
        return 2;
    }

    private static String message(RuntimeException e) {
        return e instanceof StatusRuntimeException s ? s.getStatus().getDescription() : e.getMessage();
    }

    private static void serve(AgentConfig config, Inventory inventory, NicDriver nic, TapRouter tap,
            BindingManager bindings, List<Entry> saved, StatsCollector stats, CarrierWatchers watchers)
            throws Exception {
        if (config.tap.watch) {
            watchers.start(inventory.tunnelNamespaces());
            inventory.onRefresh(i -> watchers.start(i.tunnelNamespaces()));
        }
        long t0 = System.nanoTime();
        List<String> failures = bindings.restore(saved);
        System.err.printf("mirror-agent: restored %d bindings in %d ms%s%n", bindings.list().size(),
                (System.nanoTime() - t0) / 1_000_000, failures.isEmpty() ? "" : ", failed: " + failures);

        InetSocketAddress listen = AgentConfig.parseHostPort("listen", config.listen);
        Server server = NettyServerBuilder.forAddress(listen, config.plaintext ? TlsFiles.plaintextServer()
                : TlsFiles.server(config.tls.cert, config.tls.key, config.tls.clientCa))
                .addService(new AgentService(bindings, stats, () -> info(config, inventory, nic, tap, bindings)))
                .build().start();
        MetricsServer metrics = config.metricsListen == null ? null
                : new MetricsServer(AgentConfig.parseHostPort("metrics_listen", config.metricsListen),
                        () -> stats.collect(""));
        System.out.printf("mirror-agent %s: agent %s, NIC %s, serving on %s:%d (%s)%s%n", VERSION, config.agentId,
                nic.name(), listen.getAddress().getHostAddress(), server.getPort(),
                config.plaintext ? "plaintext" : "mTLS",
                metrics == null ? "" : ", metrics on port " + metrics.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            if (metrics != null) {
                metrics.close();
            }
            try {
                watchers.close();
            } catch (IOException e) {
                System.err.println("mirror-agent: " + e.getMessage());
            }
        }));
        server.awaitTermination();
    }

    /** Who the agent is, and the PFs' VFs as the NIC reports them now (read again for each call). */
    private static AgentInfo info(AgentConfig config, Inventory inventory, NicDriver nic, TapRouter tap,
            BindingManager bindings) {
        inventory.refresh();
        AgentInfo.Builder info = AgentInfo.newBuilder().setAgentId(config.agentId).setVersion(VERSION)
                .setNicDriver(nic.name()).addAllTapKinds(tap.kinds())
                .setLimits(Limits.newBuilder().setMaxVlanMirrorPerVf(NicDriver.MAX_VLAN_MIRROR)
                        .setMaxVlansPerBinding(Validator.MAX_VLANS).setMaxSessionsPerPort(TapDriver.MAX_SESSIONS_PER_PORT))
                .setBindings(bindings.list().size());
        for (AgentConfig.PfConfig pf : config.inventory) {
            PfInfo.Builder p = PfInfo.newBuilder().setName(pf.pf).setDriver(nic.name());
            inventory.all().stream().filter(v -> v.id().pf().equals(pf.pf)).forEach(v -> {
                VfInfo.Builder vf = VfInfo.newBuilder().setRef(v.id().toRef()).setRole(v.role())
                        .setNetns(v.netns()).setIfname(v.ifname()).setMac(v.mac()).setDiscovered(v.discovered());
                try {
                    vf.setLinkState(nic.linkState(v.id())).setLoopback(nic.loopback(v.id()))
                            .setVlanMirror(VlanList.format(nic.vlanMirror(v.id())));
                } catch (ExecException | IllegalArgumentException e) {
                    vf.setLinkState("unknown");
                }
                p.addVfs(vf);
            });
            info.addPfs(p);
        }
        return info.build();
    }
}
