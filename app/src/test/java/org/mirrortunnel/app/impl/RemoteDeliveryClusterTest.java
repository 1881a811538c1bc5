package org.mirrortunnel.app.impl;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorSession;
import org.onlab.packet.VlanId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.Key;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.net.intent.SinglePointToMultiPointIntent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertEquals;

/**
 * Remote delivery as ONOS's own intents, kept by the node that owns each session: two managers (two cluster
 * nodes) share one distributed store and one intent store. Each intent is submitted once, by the owner; the
 * owner's duty moves with the work partitions; a restarted cluster gets the intents back; deactivation
 * withdraws them.
 */
public class RemoteDeliveryClusterTest {
    private static final String SRC_UPLINK = "of:1/1";

    private MirrorTestContext node1;
    private MirrorTestContext node2;
    private final List<MirrorTestContext> running = new ArrayList<>();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        node1 = start(new MirrorTestContext());
        node1.addConnectedAgents("src", "mon-b", "mon-c");
        node1.addAgent("src", "", "");
        node2 = start(node1.peer("node-2"));
        node1.partitions.move(id -> true);
        node2.partitions.move(id -> false);
    }

    private MirrorTestContext start(MirrorTestContext node) {
        running.add(node);
        return node;
    }

    private void stop(MirrorTestContext node) {
        running.remove(node);
        node.stop();
    }

    @After
    public void tearDown() {
        List.copyOf(running).forEach(this::stop);
        MockIdGenerator.unbind();
    }

    private static MirrorSession request(String name, String... monitors) {
        return MirrorSession.builder().name(name).sources(List.of(MirrorEndpoint.parse("src:svc0")))
                .monitors(Stream.of(monitors).map(MirrorEndpoint::parse).collect(Collectors.toList())).build();
    }

    private ClusterIntents cluster() {
        return node1.intents.cluster();
    }

    private static String key(MirrorSession s, int vlan) {
        return s.id().id() + "/src/" + vlan;
    }

    @Test
    public void remoteDeliveryIsASinglePointToMultiPointIntentPerVlanOnTheSessionVlanOnly() {
        MirrorSession s = node2.manager.createSession(request("far", "mon-b:mon0", "mon-c:mon0", "src:mon0")
                .toBuilder().vlans(List.of(3100, 3101)).build());

        assertEquals(Set.of(key(s, 3100), key(s, 3101)), cluster().installed().keySet());
        Intent intent = cluster().installed().get(key(s, 3100));
        assertThat(intent, instanceOf(SinglePointToMultiPointIntent.class));
        SinglePointToMultiPointIntent p2mp = (SinglePointToMultiPointIntent) intent;
        assertEquals(MirrorTestContext.APP_ID, p2mp.appId());
        assertEquals(Key.of(key(s, 3100), MirrorTestContext.APP_ID), p2mp.key());
        assertEquals(DefaultTrafficSelector.builder().matchVlanId(VlanId.vlanId((short) 3100)).build(),
                p2mp.selector());
        assertEquals("copies keep their tag", DefaultTrafficTreatment.emptyTreatment(), p2mp.treatment());
        assertEquals(new FilteredConnectPoint(ConnectPoint.deviceConnectPoint(SRC_UPLINK)),
                p2mp.filteredIngressPoint());
        assertEquals("the monitors' uplinks; the local monitor needs none",
                Set.of(new FilteredConnectPoint(ConnectPoint.deviceConnectPoint("of:2/1")),
                        new FilteredConnectPoint(ConnectPoint.deviceConnectPoint("of:3/1"))),
                p2mp.filteredEgressPoints());
    }

    @Test
    public void eachIntentIsSubmittedOnceByTheOwnerWhicheverNodeTheRequestReached() {
        MirrorSession s = node2.manager.createSession(request("far", "mon-b:mon0"));

        assertEquals(List.of("node-1 " + key(s, 3000)), cluster().requests("submit"));
        node1.manager.enableSession(s.id());
        node2.manager.disableSession(s.id());
        assertEquals("the admin state does not touch the fabric", List.of("node-1 " + key(s, 3000)),
                cluster().requests("submit"));
    }

    @Test
    public void whenOwnershipMovesTheNewOwnerKeepsTheIntentsWithoutResubmittingThem() {
        MirrorSession s = node1.manager.createSession(request("far", "mon-b:mon0"));
        cluster().clearLog();

        node1.partitions.move(id -> false);
        node2.partitions.move(id -> true);
        assertThat("intents already right are left alone", cluster().log(), empty());

        node1.manager.updateSession(s.toBuilder().monitors(List.of(MirrorEndpoint.parse("mon-b:mon0"),
                MirrorEndpoint.parse("mon-c:mon0"))).build());
        assertEquals("the new owner changes them", List.of("node-2 " + key(s, 3000)), cluster().requests("submit"));
        assertEquals(2, ((SinglePointToMultiPointIntent) cluster().installed().get(key(s, 3000)))
                .filteredEgressPoints().size());
    }

    @Test
    public void theNewOwnerRestoresIntentsThatWentMissingWhenOwnershipMoves() {
        MirrorSession s = node1.manager.createSession(request("far", "mon-b:mon0"));
        Intent intent = cluster().installed().get(key(s, 3000));
        node1.intents.withdraw(intent);
        node1.intents.purge(intent);
        cluster().clearLog();

        node1.partitions.move(id -> false);
        node2.partitions.move(id -> true);
        assertEquals(List.of("node-2 " + key(s, 3000)), cluster().requests("submit"));
        assertEquals(Set.of(key(s, 3000)), cluster().installed().keySet());
    }

    @Test
    public void aRestartedClusterSubmitsTheIntentsOfTheStoredSessionsOnce() {
        MirrorSession s = node2.manager.createSession(request("far", "mon-b:mon0", "mon-c:mon0"));
        stop(node1);
        stop(node2);

        ClusterIntents empty = new ClusterIntents();
        MirrorTestContext again1 = start(new MirrorTestContext("node-1", node1.storage, empty, node1.netcfg));
        MirrorTestContext again2 = start(new MirrorTestContext("node-2", node1.storage, empty, node1.netcfg));
        again2.partitions.move(id -> false);

        assertEquals(List.of("node-1 " + key(s, 3000)), empty.requests("submit"));
        assertEquals(Set.of(key(s, 3000)), empty.installed().keySet());
        assertEquals(1, again1.manager.getSessions().size());
    }

    @Test
    public void deactivationWithdrawsTheIntentsOfTheSessionsTheNodeOwns() {
        MirrorSession mine = node1.manager.createSession(request("mine", "mon-b:mon0"));
        MirrorSession theirs = node1.manager.createSession(request("theirs", "mon-c:mon0"));
        String other = theirs.id().id();
        node2.partitions.move(other::equals);
        node1.partitions.move(id -> !id.equals(other));

        stop(node1);
        assertEquals("the other node keeps its own", Set.of(key(theirs, 3001)), cluster().installed().keySet());
        assertEquals(List.of("node-1 " + key(mine, 3000)), cluster().requests("withdraw"));
        stop(node2);
        assertThat(cluster().installed().keySet(), empty());
        assertEquals(List.of("node-1 " + key(mine, 3000), "node-2 " + key(theirs, 3001)),
                cluster().requests("withdraw"));
    }

    @Test
    public void intentsFollowANewUplinkInTheNetworkConfig() {
        MirrorSession s = node1.manager.createSession(request("far", "mon-b:mon0"));
        node1.netcfg.agents("{\"src\": {\"address\": \"127.0.0.1:1\", \"plaintext\": true, \"uplink\": \"of:1/7\"},"
                + " \"mon-b\": {\"address\": \"127.0.0.1:2\", \"plaintext\": true, \"uplink\": \"of:2/1\"},"
                + " \"mon-c\": {\"address\": \"127.0.0.1:3\", \"plaintext\": true, \"uplink\": \"of:3/1\"}}");

        SinglePointToMultiPointIntent p2mp = (SinglePointToMultiPointIntent) cluster().installed().get(key(s, 3000));
        assertEquals(ConnectPoint.deviceConnectPoint("of:1/7"), p2mp.filteredIngressPoint().connectPoint());
        assertEquals(List.of("node-1 " + key(s, 3000), "node-1 " + key(s, 3000)), cluster().requests("submit"));
    }

    @Test
    public void intentsOfTheAppThatNoSessionNeedsAreWithdrawnAndPurgedByTheirOwner() {
        MirrorSession s = node1.manager.createSession(request("far", "mon-b:mon0"));
        Intent stale = SinglePointToMultiPointIntent.builder().appId(MirrorTestContext.APP_ID)
                .key(Key.of("ms-gone/src/3999", MirrorTestContext.APP_ID))
                .selector(DefaultTrafficSelector.builder().matchVlanId(VlanId.vlanId((short) 3999)).build())
                .filteredIngressPoint(new FilteredConnectPoint(ConnectPoint.deviceConnectPoint(SRC_UPLINK)))
                .filteredEgressPoints(Set.of(new FilteredConnectPoint(ConnectPoint.deviceConnectPoint("of:2/1"))))
                .build();
        node2.intents.submit(stale);
        cluster().clearLog();
        node1.partitions.move(id -> false);

        start(new MirrorTestContext("node-3", node1.storage, cluster(), node1.netcfg));
        assertEquals("left from before a restart", Set.of(key(s, 3000)), cluster().installed().keySet());
        assertEquals(List.of("node-3 ms-gone/src/3999"), cluster().requests("withdraw"));
        assertEquals(List.of("node-3 ms-gone/src/3999"), cluster().requests("purge"));
        assertThat("what a session needs is left alone", cluster().requests("submit"), empty());
    }
}
