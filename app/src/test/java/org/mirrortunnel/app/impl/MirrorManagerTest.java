package org.mirrortunnel.app.impl;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorEvent;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.TapAt;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.net.intent.SinglePointToMultiPointIntent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The manager with the distributed store on test storage: VLANs, names, resolution, intents.
 */
public class MirrorManagerTest {
    private MirrorTestContext ctx;
    private final List<MirrorEvent> events = new ArrayList<>();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.addAgent("host-a", "", "nsf");
        ctx.addAgent("host-bb", "");
        ctx.netcfg.agents("{\"host-a\": {\"address\": \"127.0.0.1:1\", \"plaintext\": true,"
                + " \"uplink\": \"of:0000000000000001/1\"},"
                + " \"host-bb\": {\"address\": \"127.0.0.1:2\", \"plaintext\": true,"
                + " \"uplink\": \"of:0000000000000003/1\"}}");
        ctx.manager.addListener(events::add);
    }

    @After
    public void tearDown() {
        ctx.stop();
        MockIdGenerator.unbind();
    }

    private static MirrorSession.Builder request(String name, String source, String monitor) {
        return MirrorSession.builder().name(name).sources(List.of(MirrorEndpoint.parse(source)))
                .monitors(List.of(MirrorEndpoint.parse(monitor)));
    }

    private void assertRejected(Runnable call, String reason) {
        try {
            call.run();
            fail("expected a refusal: " + reason);
        } catch (MirrorException e) {
            assertThat(e.getMessage(), containsString(reason));
        }
    }

    @Test
    public void aBackEndSourceTakesItsTunnelFromAnotherNamespaceTheHostsOwnFirst() {
        ctx.addAgent("host-c", "nsf", "other", "");
        MirrorSession back = ctx.manager.createSession(request("back", "host-c:nsf/svc0", "host-c:mon0")
                .tapAt(TapAt.BACK_END).build());
        assertEquals(TapAt.BACK_END, back.tapAt());
        assertEquals("the host's own namespace", new VfId("pf0", 3), back.tapPoints().get(0).tunnel());
        MirrorSession second = ctx.manager.createSession(request("second", "host-c:nsf/svc1", "host-c:mon0")
                .tapAt(TapAt.BACK_END).build());
        assertEquals("then another one's", new VfId("pf0", 2), second.tapPoints().get(0).tunnel());
        assertRejected(() -> ctx.manager.createSession(request("third", "host-c:nsf/svc2", "host-c:mon0")
                .tapAt(TapAt.BACK_END).build()), "no free tunnel VF outside namespace 'nsf'");

        MirrorSession front = ctx.manager.updateSession(back.toBuilder().tapAt(TapAt.FRONT_END).build());
        assertEquals("at the front end, the NSF's own namespace", new VfId("pf0", 1),
                front.tapPoints().get(0).tunnel());
        MirrorSession third = ctx.manager.createSession(request("third", "host-c:nsf/svc2", "host-c:mon0")
                .tapAt(TapAt.BACK_END).build());
        assertEquals("the tunnel the update released", new VfId("pf0", 3), third.tapPoints().get(0).tunnel());
    }

    @Test
    public void createDrawsAVlanFromThePoolAndResolvesEndpoints() {
        MirrorSession s = ctx.manager.createSession(request("web", "host-a:nsf/svc0", "host-a:mon0").build());

        assertEquals(List.of(3000), s.vlans());
        assertEquals(Set.of(3000), ctx.store.allocatedVlans());
        assertEquals(new VfId("pf0", 2), s.tapPoints().get(0).tunnel());
        assertEquals("nsf", s.tapPoints().get(0).netns());
        assertEquals(new VfId("pf0", 9), s.monitorPoints().get(0).vf());
        assertEquals(s, ctx.manager.getSessionByName("web").orElseThrow());
        assertEquals(MirrorEvent.Type.SESSION_ADDED, events.get(0).type());
        assertThat("a local monitor needs no intent", ctx.intents.cluster().installed().values(), empty());
    }

    @Test
    public void removeReleasesTheVlanForTheNextSession() {
        MirrorSession s = ctx.manager.createSession(request("web", "host-a:svc0", "host-a:mon0").build());
        ctx.manager.removeSession(s.id());

        assertThat(ctx.store.allocatedVlans(), empty());
        assertFalse(ctx.manager.getSession(s.id()).isPresent());
        MirrorSession next = ctx.manager.createSession(request("web", "host-a:svc0", "host-a:mon0").build());
        assertEquals(List.of(3000), next.vlans());
    }

    @Test
    public void aSpecificVlanIsGrantedOnceAndATakenOneChangesNothing() {
        MirrorSession s = ctx.manager.createSession(request("a", "host-a:svc0", "host-a:mon0")
                .vlans(List.of(3500)).build());
        assertEquals(List.of(3500), s.vlans());

        assertRejected(() -> ctx.manager.createSession(request("b", "host-bb:svc0", "host-bb:mon0")
                .vlans(List.of(3500)).build()), "VLAN 3500 belongs to session " + s.id());
        assertEquals(1, ctx.manager.getSessions().size());
        assertEquals(Set.of(3500), ctx.store.allocatedVlans());
    }

    @Test
    public void aRefusedUpdateKeepsEveryVlanTheSessionStillUses() {
        MirrorSession a = ctx.manager.createSession(request("a", "host-a:svc0", "host-a:mon0").build());
        MirrorSession b = ctx.manager.createSession(request("b", "host-bb:svc0", "host-bb:mon0")
                .vlans(List.of(3500)).build());

        assertRejected(() -> ctx.manager.updateSession(a.toBuilder().vlans(List.of(3000, 3500)).build()),
                "VLAN 3500 belongs to session " + b.id());
        assertEquals(Set.of(3000, 3500), ctx.store.allocatedVlans());
        assertEquals(a, ctx.manager.getSession(a.id()).orElseThrow());
        MirrorSession c = ctx.manager.createSession(request("c", "host-a:nsf/svc0", "host-a:mon0").build());
        assertEquals("the pool skips the VLAN a still holds", List.of(3001), c.vlans());
    }

    @Test
    public void anExhaustedPoolIsAClearErrorAndLeavesNoTrace() {
        ctx.manager.modified(MirrorTestContext.properties(OsgiPropertyConstants.VLAN_POOL, "4000-4000"));
        ctx.manager.createSession(request("a", "host-a:svc0", "host-a:mon0").build());

        assertRejected(() -> ctx.manager.createSession(request("b", "host-bb:svc0", "host-bb:mon0").build()),
                "VLAN pool 4000-4000 is exhausted");
        assertEquals(1, ctx.manager.getSessions().size());
        assertEquals(Set.of(4000), ctx.store.allocatedVlans());
    }

    @Test
    public void duplicateNamesAreRefused() {
        ctx.manager.createSession(request("web", "host-a:svc0", "host-a:mon0").build());

        assertRejected(() -> ctx.manager.createSession(request("web", "host-bb:svc0", "host-bb:mon0").build()),
                "a session named 'web' exists");
        assertEquals(Set.of(3000), ctx.store.allocatedVlans());
    }

    @Test
    public void aFailureAfterTheAllocationReleasesTheVlan() {
        ctx.netcfg.agents("{\"host-a\": {\"address\": \"127.0.0.1:1\", \"plaintext\": true}}");

        assertRejected(() -> ctx.manager.createSession(request("far", "host-a:svc0", "host-bb:mon0").build()),
                "remote delivery needs the uplink of agent host-bb");
        assertThat(ctx.store.allocatedVlans(), empty());
        assertThat(ctx.manager.getSessions(), empty());
    }

    @Test
    public void unknownAgentsInterfacesAndTunnelsAreRefused() {
        assertRejected(() -> ctx.manager.createSession(request("x", "host-z:svc0", "host-a:mon0").build()),
                "agent host-z has not reported its inventory");
        assertRejected(() -> ctx.manager.createSession(request("x", "host-a:svc0", "host-a:mon7").build()),
                "agent host-a has no monitor VF mon7");
        ctx.manager.createSession(request("one", "host-bb:svc0", "host-bb:mon0").build());
        assertRejected(() -> ctx.manager.createSession(request("two", "host-bb:svc1", "host-bb:mon0").build()),
                "no free tunnel VF in namespace '' on agent host-bb");
        assertEquals(1, ctx.manager.getSessions().size());
    }

    private static FilteredConnectPoint point(String connectPoint) {
        return new FilteredConnectPoint(ConnectPoint.deviceConnectPoint(connectPoint));
    }

    @Test
    public void aRemoteMonitorGetsAnIntentThatIsWithdrawnWithTheSession() {
        MirrorSession s = ctx.manager.createSession(request("far", "host-a:svc0", "host-bb:mon0").build());

        assertEquals(1, ctx.intents.cluster().installed().size());
        SinglePointToMultiPointIntent intent = (SinglePointToMultiPointIntent) ctx.intents.cluster().installed()
                .values().iterator().next();
        assertEquals(point("of:0000000000000001/1"), intent.filteredIngressPoint());
        assertEquals(Set.of(point("of:0000000000000003/1")), intent.filteredEgressPoints());
        assertEquals(s.id().id() + "/host-a/3000", intent.key().toString());

        ctx.manager.removeSession(s.id());
        assertThat(ctx.intents.cluster().installed().values(), empty());
        assertEquals(List.of("node-1 " + intent.key()), ctx.intents.cluster().requests("withdraw"));
    }

    @Test
    public void anUpdateToARemoteMonitorSubmitsAnIntentAndBackToALocalOneWithdrawsIt() {
        MirrorSession s = ctx.manager.createSession(request("web", "host-a:svc0", "host-a:mon0").build());
        assertThat(ctx.intents.cluster().installed().values(), empty());

        MirrorSession far = ctx.manager.updateSession(s.toBuilder()
                .monitors(List.of(MirrorEndpoint.parse("host-bb:mon0"))).build());
        assertEquals(1, ctx.intents.cluster().installed().size());
        SinglePointToMultiPointIntent intent = (SinglePointToMultiPointIntent) ctx.intents.cluster().installed()
                .values().iterator().next();
        assertEquals(Set.of(point("of:0000000000000003/1")), intent.filteredEgressPoints());

        ctx.manager.updateSession(far.toBuilder().monitors(List.of(MirrorEndpoint.parse("host-a:mon0"))).build());
        assertThat(ctx.intents.cluster().installed().values(), empty());
        assertEquals(List.of("node-1 " + intent.key()), ctx.intents.cluster().requests("withdraw"));
        assertEquals("the VLAN stays with the session", Set.of(3000), ctx.store.allocatedVlans());
    }

    @Test
    public void onlyTheResponsibleNodeSubmitsIntents() {
        ctx.partitions.mine = id -> false;
        ctx.manager.createSession(request("far", "host-a:svc0", "host-bb:mon0").build());
        assertThat(ctx.intents.cluster().installed().values(), empty());
    }

    @Test
    public void updateMovesTheVlanAndReleasesTheOldOne() {
        MirrorSession s = ctx.manager.createSession(request("web", "host-a:svc0", "host-a:mon0").build());
        MirrorSession moved = ctx.manager.updateSession(s.toBuilder().vlans(List.of(3100)).snaplen(128).build());

        assertEquals(List.of(3100), moved.vlans());
        assertEquals(Set.of(3100), ctx.store.allocatedVlans());
        assertEquals(128, ctx.manager.getSession(s.id()).orElseThrow().snaplen());
        assertEquals("the session keeps its tunnel", s.tapPoints(), moved.tapPoints());
    }

    @Test
    public void enableAndDisableChangeOnlyTheAdminState() {
        MirrorSession s = ctx.manager.createSession(request("web", "host-a:svc0", "host-a:mon0").build());
        MirrorSession off = ctx.manager.disableSession(s.id());

        assertThat(off.adminState(), is(AdminState.DISABLED));
        assertEquals(s.toBuilder().adminState(AdminState.DISABLED).updated(off.updated()).build(), off);
        assertTrue(ctx.manager.enableSession(s.id()).adminState() == AdminState.ENABLED);
    }
}
