package org.mirrortunnel.fabric;

import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onlab.packet.VlanId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OfFlowTest {
    private static FlowRule rule(TrafficSelector selector, TrafficTreatment treatment) {
        return DefaultFlowRule.builder().forDevice(TestFabric.dev(1)).fromApp(TestFabric.APP).withPriority(100)
                .withSelector(selector).withTreatment(treatment).makePermanent().build();
    }

    @Test
    void vlanAndInPortWithOutputsBecomeOfctlTextWithTheFlowIdAsCookie() {
        FlowRule r = rule(DefaultTrafficSelector.builder().matchInPort(PortNumber.portNumber(3))
                        .matchVlanId(VlanId.vlanId((short) 100)).build(),
                DefaultTrafficTreatment.builder().setOutput(PortNumber.portNumber(1))
                        .setOutput(PortNumber.IN_PORT).build());
        OfFlow f = OfFlow.of(r);
        assertEquals(String.format("cookie=0x%x,table=0,priority=100,in_port=3,dl_vlan=100,actions=output:1,in_port",
                r.id().value()), f.addText());
        assertEquals("table=0,priority=100,in_port=3,dl_vlan=100", f.matchText());
    }

    @Test
    void whatTheTranslationDoesNotKnowIsRefusedNotDropped() {
        TrafficTreatment out = DefaultTrafficTreatment.builder().setOutput(PortNumber.portNumber(1)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OfFlow.of(
                rule(DefaultTrafficSelector.builder().matchEthDst(MacAddress.BROADCAST).build(), out)));
        assertTrue(e.getMessage().startsWith("unsupported criterion ETH_DST"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OfFlow.of(
                rule(DefaultTrafficSelector.builder().matchVlanId(VlanId.ANY).build(), out)));
        assertTrue(e.getMessage().startsWith("unsupported VLAN match"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OfFlow.of(rule(DefaultTrafficSelector.emptySelector(),
                DefaultTrafficTreatment.builder().popVlan().setOutput(PortNumber.portNumber(1)).build())));
        assertTrue(e.getMessage().startsWith("unsupported instruction"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OfFlow.of(rule(DefaultTrafficSelector.emptySelector(),
                DefaultTrafficTreatment.builder().setOutput(PortNumber.FLOOD).build())));
        assertTrue(e.getMessage().startsWith("unsupported logical port"), e.getMessage());
    }
}
