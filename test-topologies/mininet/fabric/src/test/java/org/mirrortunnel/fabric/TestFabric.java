package org.mirrortunnel.fabric;

import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onlab.packet.VlanId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.intent.Key;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.net.intent.SinglePointToMultiPointIntent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Mininet fabric's shape: a triangle of switches s1, s2, s3 (port 1 towards the next switch, port 2 towards the
 * previous) and host h<i>'s uplink on port 3 of s<i>; ONOS's core on it with flows recorded, not installed.
 */
final class TestFabric {
    static final ApplicationId APP = new DefaultApplicationId(7, "org.mirrortunnel.app");

    final FabricTopology topology;
    final Map<String, OfFlow> installed = new LinkedHashMap<>();
    final List<String> applied = new ArrayList<>();
    final AppIds appIds = new AppIds();
    final FabricIntentService intents;
    final OnosCore core;

    TestFabric() {
        MockIdGenerator.cleanBind();
        List<FabricTopology.Switch> switches = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            switches.add(new FabricTopology.Switch("s" + i, dev(i),
                    Map.of("s" + i + "-next", PortNumber.portNumber(1), "s" + i + "-prev", PortNumber.portNumber(2),
                            "s" + i + "-h" + i, PortNumber.portNumber(3))));
        }
        topology = new FabricTopology(switches,
                List.of(new FabricTopology.Cable(cp(1, 1), cp(2, 2)), new FabricTopology.Cable(cp(2, 1), cp(3, 2)),
                        new FabricTopology.Cable(cp(3, 1), cp(1, 2))),
                Map.of("h1", cp(1, 3), "h2", cp(2, 3), "h3", cp(3, 3)), List.of());
        intents = new FabricIntentService(this::apply);
        core = new OnosCore(topology, intents, appIds);
        core.awaitTopology(6, 5000);
    }

    static DeviceId dev(int i) {
        return DeviceId.deviceId(String.format("of:%016x", i));
    }

    static ConnectPoint cp(int sw, int port) {
        return new ConnectPoint(dev(sw), PortNumber.portNumber(port));
    }

    /** An intent of the shape the app submits for remote delivery: VLAN selector, uplink to uplinks. */
    static SinglePointToMultiPointIntent delivery(String key, int vlan, ConnectPoint ingress,
                                                  Set<ConnectPoint> egress) {
        return SinglePointToMultiPointIntent.builder().appId(APP).key(Key.of(key, APP))
                .selector(DefaultTrafficSelector.builder().matchVlanId(VlanId.vlanId((short) vlan)).build())
                .treatment(DefaultTrafficTreatment.emptyTreatment())
                .filteredIngressPoint(new FilteredConnectPoint(ingress))
                .filteredEgressPoints(egress.stream().map(FilteredConnectPoint::new).collect(Collectors.toSet()))
                .build();
    }

    private synchronized void apply(List<OfFlow> add, List<OfFlow> remove) {
        for (OfFlow f : add) {
            installed.put(f.device() + " " + f.matchText(), f);
            applied.add("add " + f.device() + " " + f.match() + " " + f.actions());
        }
        for (OfFlow f : remove) {
            installed.remove(f.device() + " " + f.matchText());
            applied.add("del " + f.device() + " " + f.match());
        }
    }

    /** Installed flows as "s<i> match actions", sorted. */
    synchronized List<String> table() {
        List<String> out = new ArrayList<>();
        for (OfFlow f : installed.values()) {
            int sw = Integer.parseInt(f.device().toString().substring(3), 16);
            out.add("s" + sw + " " + f.match() + " " + f.actions());
        }
        out.sort(null);
        return out;
    }

    void close() {
        core.stop();
    }
}
