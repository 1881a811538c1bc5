package org.mirrortunnel.fabric;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onosproject.net.intent.IntentState;
import org.onosproject.net.intent.SinglePointToMultiPointIntent;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FabricIntentServiceTest {
    private TestFabric fabric;

    @BeforeEach
    void setUp() {
        fabric = new TestFabric();
    }

    @AfterEach
    void tearDown() {
        fabric.close();
    }

    private SinglePointToMultiPointIntent h1ToH2AndH3() {
        return TestFabric.delivery("7/h1/100", 100, TestFabric.cp(1, 3),
                Set.of(TestFabric.cp(2, 3), TestFabric.cp(3, 3)));
    }

    private void waitFor(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!condition.get()) {
            assertTrue(System.currentTimeMillis() < deadline, what + "; flows now " + fabric.table());
            Thread.sleep(5);
        }
    }

    @Test
    void onosCompilesOneSourceToTwoMonitorsIntoATreeOfVlanFlows() {
        SinglePointToMultiPointIntent intent = h1ToH2AndH3();
        fabric.intents.submit(intent);

        assertEquals(IntentState.INSTALLED, fabric.intents.getIntentState(intent.key()),
                fabric.intents.error(intent.key()));
        assertEquals(List.of(
                "s1 in_port=3,dl_vlan=100 output:1,output:2",
                "s2 in_port=2,dl_vlan=100 output:3",
                "s3 in_port=1,dl_vlan=100 output:3"), fabric.table());
    }

    @Test
    void aLinkOnThePathGoingDownMovesTheTreeAddingNewFlowsBeforeRemovingOld() throws InterruptedException {
        SinglePointToMultiPointIntent intent = h1ToH2AndH3();
        fabric.intents.submit(intent);
        fabric.applied.clear();

        fabric.core.links().portState(TestFabric.cp(2, 2), false); // s1 port 1 - s2 port 2
        waitFor(() -> fabric.table().contains("s3 in_port=1,dl_vlan=100 output:2,output:3"), "rerouted via s3");

        assertEquals(List.of(
                "s1 in_port=3,dl_vlan=100 output:2",
                "s2 in_port=1,dl_vlan=100 output:3",
                "s3 in_port=1,dl_vlan=100 output:2,output:3"), fabric.table());
        assertEquals(IntentState.INSTALLED, fabric.intents.getIntentState(intent.key()));
        int lastAdd = 0;
        int firstDel = Integer.MAX_VALUE;
        for (int i = 0; i < fabric.applied.size(); i++) {
            if (fabric.applied.get(i).startsWith("add")) {
                lastAdd = i;
            } else {
                firstDel = Math.min(firstDel, i);
            }
        }
        assertTrue(lastAdd < firstDel, "make before break: " + fabric.applied);
        assertTrue(fabric.applied.contains("del of:0000000000000002 in_port=2,dl_vlan=100"), fabric.applied.toString());
    }

    @Test
    void anUnreachableMonitorFailsTheIntentAndRemovesItsFlowsUntilALinkReturns() throws InterruptedException {
        SinglePointToMultiPointIntent intent = h1ToH2AndH3();
        fabric.intents.submit(intent);

        fabric.core.links().portState(TestFabric.cp(2, 2), false);
        fabric.core.links().portState(TestFabric.cp(2, 1), false);
        waitFor(() -> fabric.intents.getIntentState(intent.key()) == IntentState.FAILED, "failed");
        assertEquals(List.of(), fabric.table());
        assertTrue(fabric.intents.error(intent.key()).contains("path"), fabric.intents.error(intent.key()));

        fabric.core.links().portState(TestFabric.cp(2, 1), true);
        waitFor(() -> fabric.intents.getIntentState(intent.key()) == IntentState.INSTALLED, "installed again");
        assertEquals(List.of(
                "s1 in_port=3,dl_vlan=100 output:2",
                "s2 in_port=1,dl_vlan=100 output:3",
                "s3 in_port=1,dl_vlan=100 output:2,output:3"), fabric.table());
    }

    @Test
    void withdrawRemovesEveryFlowAndBothCallsAreRecorded() {
        SinglePointToMultiPointIntent intent = h1ToH2AndH3();
        fabric.intents.submit(intent);
        fabric.intents.withdraw(intent);

        assertEquals(List.of(), fabric.table());
        assertEquals(IntentState.WITHDRAWN, fabric.intents.getIntentState(intent.key()));
        assertEquals(List.of("submit", "withdraw"),
                fabric.intents.calls().stream().map(FabricIntentService.Call::op).collect(Collectors.toList()));
        assertEquals(intent, fabric.intents.calls().get(0).intent());
    }

    @Test
    void twoVlansOfOneSessionKeepApartAndAMonitorOnTheSourceSwitchGetsAnOutput() {
        fabric.intents.submit(TestFabric.delivery("7/h1/100", 100, TestFabric.cp(1, 3), Set.of(TestFabric.cp(2, 3))));
        fabric.intents.submit(TestFabric.delivery("7/h1/101", 101, TestFabric.cp(1, 3), Set.of(TestFabric.cp(1, 4))));

        assertEquals(List.of(
                "s1 in_port=3,dl_vlan=100 output:1",
                "s1 in_port=3,dl_vlan=101 output:4",
                "s2 in_port=2,dl_vlan=100 output:3"), fabric.table());
    }
}
