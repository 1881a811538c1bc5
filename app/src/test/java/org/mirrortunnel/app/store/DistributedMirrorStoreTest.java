package org.mirrortunnel.app.store;

import org.junit.Test;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.Direction;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorResource;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onlab.packet.IpPrefix;

import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;

/**
 * What the consistent maps hold survives the store's Kryo namespace (test storage does not serialize).
 */
public class DistributedMirrorStoreTest {

    private static <T> T roundTrip(T value) {
        return DistributedMirrorStore.SERIALIZER.deserialize(DistributedMirrorStore.SERIALIZER.serialize(value));
    }

    @Test
    public void aFullSessionAndAnAgentRoundTrip() {
        MirrorSession s = MirrorSession.builder().id(MirrorSessionId.of("ms-1")).name("web")
                .sources(List.of(MirrorEndpoint.parse("host-a:nsf/svc0"), MirrorEndpoint.parse("host:10.0.0.1")))
                .monitors(List.of(MirrorEndpoint.parse("host:02:00:00:00:00:01")))
                .direction(Direction.RX)
                .filter(MirrorFilter.builder().srcPrefix(IpPrefix.valueOf("10.0.0.0/8")).ipProtocol(6).dstPort(80)
                        .build())
                .sampleEvery(4).snaplen(128).vlans(List.of(3000, 3001))
                .tapPoints(List.of(new TapPoint("host-a", "nsf", "svc0", new VfId("pf0", 1))))
                .monitorPoints(List.of(new MonitorPoint("host-b", new VfId("pf0", 2))))
                .hostStates(Map.of("host-a", new HostState(OperState.FAILED, "step x",
                        new MirrorCounters(1, 2, 3, 4, 5, 6))))
                .created(1).updated(2).build();
        AgentStatus a = new AgentStatus("host-a", "10.0.0.1:50051", "node-1", true, "0.1", "i40e",
                List.of(new AgentVf(new VfId("pf0", 1), AgentVf.Role.TUNNEL, "nsf", "tun0", "02:00:00:00:00:09")), "");

        assertEquals(s, roundTrip(s));
        assertEquals(a, roundTrip(a));
    }

    @Test
    public void claimsAndTheKeysOfRuntimeStateRoundTrip() {
        for (MirrorResource r : List.of(MirrorResource.name("web"), MirrorResource.vlan(3000),
                MirrorResource.tunnel("host-a", new VfId("pf0", 1)))) {
            assertEquals(r, roundTrip(r));
        }
        DistributedMirrorStore.SessionHost key = new DistributedMirrorStore.SessionHost(MirrorSessionId.of("ms-1"),
                "host-a");
        assertEquals(key, roundTrip(key));
    }
}
