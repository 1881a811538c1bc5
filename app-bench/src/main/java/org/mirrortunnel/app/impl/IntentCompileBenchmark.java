package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.intent.MirrorIntent;
import org.mirrortunnel.app.intent.MirrorIntentCompiler;
import org.onlab.junit.TestUtils;
import org.onlab.packet.VlanId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DefaultLink;
import org.onosproject.net.DeviceId;
import org.onosproject.net.Link;
import org.onosproject.net.PortNumber;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.LinkCollectionIntent;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.net.link.LinkServiceAdapter;
import org.onosproject.net.provider.ProviderId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Compile time of a mirror intent on a 10x10 grid of switches (100 switches, 360 directed links), from a
 * corner switch to one monitor on the opposite corner or to several monitors spread over the grid.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class IntentCompileBenchmark {
    private static final int SIDE = 10;
    private static final long HOST_PORT = 1000;
    private static final ProviderId PID = new ProviderId("of", "bench");

    /** Monitor switches, spread evenly from the corner opposite the ingress. */
    @Param({"1", "8"})
    public int monitors;

    private final MirrorIntentCompiler compiler = new MirrorIntentCompiler();
    private MirrorIntent intent;

    @Setup(Level.Trial)
    public void setUp() {
        MockIdGenerator.cleanBind();
        List<Link> links = grid();
        TestUtils.setField(compiler, "linkService", new LinkServiceAdapter() {
            @Override
            public Iterable<Link> getActiveLinks() {
                return links;
            }
        });
        Set<ConnectPoint> egress = new LinkedHashSet<>();
        int last = SIDE * SIDE - 1;
        for (int k = 0; k < monitors; k++) {
            egress.add(hostPort(last - k * (SIDE * SIDE / monitors)));
        }
        intent = MirrorIntent.builder().appId(new DefaultApplicationId(1, "bench")).ingressPoint(hostPort(0))
                .egressPoints(egress).vlan(VlanId.vlanId((short) 3000)).build();
        LinkCollectionIntent tree = (LinkCollectionIntent) compile().get(0);
        if (tree.filteredEgressPoints().size() != monitors || tree.links().size() < 2 * (SIDE - 1)) {
            throw new IllegalStateException("the tree does not reach every monitor: " + tree.links());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        MockIdGenerator.unbind();
    }

    @Benchmark
    public List<Intent> compile() {
        return compiler.compile(intent, List.of());
    }

    private static DeviceId device(int index) {
        return DeviceId.deviceId(String.format("of:%016x", index + 1));
    }

    private static ConnectPoint hostPort(int index) {
        return new ConnectPoint(device(index), PortNumber.portNumber(HOST_PORT));
    }

    /** Both directions of each link between grid neighbours; port n of a switch leads to switch n. */
    private static List<Link> grid() {
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < SIDE * SIDE; i++) {
            if (i % SIDE < SIDE - 1) {
                connect(links, i, i + 1);
            }
            if (i + SIDE < SIDE * SIDE) {
                connect(links, i, i + SIDE);
            }
        }
        return List.copyOf(links);
    }

    private static void connect(List<Link> links, int a, int b) {
        links.add(link(a, b));
        links.add(link(b, a));
    }

    private static Link link(int from, int to) {
        return DefaultLink.builder().providerId(PID)
                .src(new ConnectPoint(device(from), PortNumber.portNumber(to + 1)))
                .dst(new ConnectPoint(device(to), PortNumber.portNumber(from + 1)))
                .type(Link.Type.DIRECT).state(Link.State.ACTIVE).build();
    }
}
