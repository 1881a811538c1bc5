package org.mirrortunnel.app.agent;

import org.junit.Test;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingStats;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.api.v1.TapAt;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.api.v1.VfCounters;
import org.mirrortunnel.agent.api.v1.VfRef;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onlab.packet.IpPrefix;

import java.util.List;

import static org.junit.Assert.assertEquals;

/**
 * A session's definition reaches the agent's binding whole, and the agent's counters come back whole.
 */
public class BindingsTest {
    private static final MirrorSession WEB = MirrorSession.builder().id(MirrorSessionId.of("ms-1")).name("web")
            .sources(List.of(MirrorEndpoint.parse("host-a:nsf/svc0")))
            .monitors(List.of(MirrorEndpoint.parse("host-a:mon0"))).vlans(List.of(3000))
            .tapPoints(List.of(new TapPoint("host-a", "nsf", "svc0", new VfId("pf0", 1))))
            .monitorPoints(List.of(new MonitorPoint("host-a", new VfId("pf0", 9)))).build();

    @Test
    public void eitherSidePartsOfTheFilterGoWithTheOneSidedOnes() {
        MirrorSession s = WEB.toBuilder().filter(MirrorFilter.builder().srcPrefix(IpPrefix.valueOf("10.0.1.0/24"))
                .prefix(IpPrefix.valueOf("10.0.0.0/8")).ipProtocol(17).dstPort(53).port(5000).build()).build();

        assertEquals(Filter.newBuilder().setSrcPrefix("10.0.1.0/24").setPrefix("10.0.0.0/8").setIpProtocol(17)
                .setDstPort(53).setPort(5000).build(), Bindings.forAgent(s, "host-a").getFilter());
    }

    @Test
    public void theTapPointIsTheSessions() {
        assertEquals(TapAt.FRONT_END, Bindings.forAgent(WEB, "host-a").getTapAt());
        Binding back = Bindings.forAgent(WEB.toBuilder().tapAt(org.mirrortunnel.app.api.TapAt.BACK_END).build(),
                "host-a");
        assertEquals(TapAt.BACK_END, back.getTapAt());
        assertEquals("svc0", back.getSources(0).getIfname());
    }

    @Test
    public void copiesDeliveredAreTheMonitorVfsReceivedPackets() {
        BindingStats stats = BindingStats.newBuilder().setId("ms-1")
                .setTap(TapCounters.newBuilder().setSeen(10).setMirrored(7).setFiltered(2).setSampled(1).setErrors(0))
                .addTunnels(VfCounters.newBuilder().setVf(vf(1)).setRxPackets(500).setTxPackets(7))
                .addMonitors(VfCounters.newBuilder().setVf(vf(9)).setRxPackets(6).setTxPackets(40))
                .addMonitors(VfCounters.newBuilder().setVf(vf(8)).setRxPackets(5))
                .build();

        assertEquals(new MirrorCounters(10, 7, 2, 1, 0, 11), Bindings.counters(stats));
    }

    private static VfRef vf(int index) {
        return VfRef.newBuilder().setPf("pf0").setVf(index).build();
    }
}
