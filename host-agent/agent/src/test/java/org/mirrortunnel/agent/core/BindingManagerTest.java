package org.mirrortunnel.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.TapAt;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.VfId;
import org.mirrortunnel.agent.tap.TapSession;
import org.mirrortunnel.agent.tap.VethPeers;

class BindingManagerTest {
    private static final VfId TUNNEL = new VfId("pf0", 1);
    private static final VfId MONITOR = new VfId("pf0", 2);

    @TempDir
    Path stateDir;
    private FakeHost host;
    private BindingManager manager;
    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        host = new FakeHost();
        manager = newManager();
    }

    private BindingManager newManager() throws IOException {
        EventHub hub = new EventHub();
        hub.subscribe(events::add);
        return new BindingManager(Bindings.INVENTORY, new Validator(Bindings.INVENTORY, 1, 4094), host, host, host,
                new StateStore(stateDir), hub);
    }

    @Test
    void applyProgramsEveryPartAndReportsActive() {
        var status = manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());

        assertEquals(BindingState.ACTIVE, status.getState());
        assertEquals(Set.of(100), host.vlanMirror(MONITOR));
        assertTrue(host.loopback(TUNNEL));
        assertEquals("enable", host.linkState(TUNNEL));
        assertEquals(Set.of("ns-a/svc0#1"), host.sessions.keySet());
        assertEquals("tun0", host.sessions.get("ns-a/svc0#1").tunnel());
        assertTrue(events.stream().anyMatch(e -> e.getBinding().getState() == BindingState.ACTIVE));
    }

    @Test
    void applyingTheSameBindingTwiceChangesNothing() {
        Binding b = Bindings.binding("s1", "svc0", 1, 100).build();
        manager.apply(b);
        int before = host.changes.size();

        manager.apply(b);

        assertEquals(before, host.changes.size(), "second apply touched the host: " + host.changes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"addVlanMirror", "setLoopback", "attach", "setLinkState"})
    void aFailingStepUndoesTheStepsBeforeIt(String failing) {
        String clean = host.snapshot();
        host.failOn = failing;

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> manager.apply(Bindings.binding("s1", "svc0", 1, 100).build()));

        assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("step "), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains(failing + " refused by the test"));
        assertEquals(clean, host.snapshot(), "left on the host after a failed apply");
        assertEquals(BindingState.REMOVED, manager.status("s1").getState());
        assertTrue(manager.list().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"detach", "removeVlanMirror", "setLoopback"})
    void aFailingRemoveKeepsTheBindingWhole(String failing) {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        String applied = host.snapshot();
        host.failOn = failing;

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> manager.remove("s1"));

        assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
        assertEquals(applied, host.snapshot());
        assertEquals(BindingState.ACTIVE, manager.status("s1").getState());
    }

    @Test
    void aRequestTheTapRefusesIsInvalidArgumentWithItsReasonAndIsUndone() {
        String clean = host.snapshot();
        host.refuseOn = "attach";

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> manager.apply(Bindings.binding("s1", "svc0", 1, 100).build()));

        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("the TAP finds the request invalid"),
                e.getStatus().getDescription());
        assertEquals(clean, host.snapshot(), "left on the host after a refused apply");
        assertTrue(events.stream().anyMatch(ev -> ev.getBinding().getState() == BindingState.FAILED
                && ev.getBinding().getMessage().contains("the TAP finds the request invalid")));
    }

    @Test
    void aFailedReplacementRestoresTheOldBinding() {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        String applied = host.snapshot();
        host.failOn = "setLinkState";

        assertThrows(StatusRuntimeException.class,
                () -> manager.apply(Bindings.binding("s1", "svc0", 1, 200).setEnabled(false).build()));

        assertEquals(applied, host.snapshot());
        assertEquals(List.of(100), manager.status("s1").getBinding().getVlansList());
    }

    @Test
    void removeTakesBackEverythingAndRestoresTheTunnel() {
        String clean = host.snapshot();
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());

        manager.remove("s1");

        assertEquals(clean, host.snapshot());
        assertEquals("auto", host.link.get(TUNNEL), "link state restored to what it was");
        assertEquals(Status.Code.NOT_FOUND,
                assertThrows(StatusRuntimeException.class, () -> manager.remove("s1")).getStatus().getCode());
    }

    @Test
    void setEnabledOnlySwitchesTheTunnelLink() {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        host.changes.clear();

        assertEquals(BindingState.DISABLED, manager.setEnabled("s1", false).getState());
        assertEquals(List.of("setLinkState pf0/1 disable"), host.changes);
        assertEquals(BindingState.ACTIVE, manager.setEnabled("s1", true).getState());
        assertEquals(List.of("setLinkState pf0/1 disable", "setLinkState pf0/1 enable"), host.changes);
    }

    @Test
    void aLinkFlipIsRecordedForARestart() throws Exception {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        manager.setEnabled("s1", false);

        host.link.put(TUNNEL, "enable"); // what a restart must undo
        BindingManager restarted = newManager();
        assertTrue(restarted.restore(new StateStore(stateDir).load()).isEmpty());
        assertEquals(BindingState.DISABLED, restarted.status("s1").getState());
        assertEquals("disable", host.linkState(TUNNEL));
    }

    @Test
    void aLinkFlipWritesNoStateAheadOfTheHostChange() throws Exception {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        Path file = stateDir.resolve("bindings.json");
        String before = Files.readString(file);
        List<String> seenAtTheLinkWrite = new ArrayList<>();
        host.onChange = op -> {
            if (op.startsWith("setLinkState")) {
                seenAtTheLinkWrite.add(read(file));
            }
        };

        manager.setEnabled("s1", false);

        assertEquals(List.of(before), seenAtTheLinkWrite, "the state file changed before the link did");
        assertTrue(before.contains("\"enabled\":true"), before);
        assertFalse(Files.readString(file).contains("\"enabled\":true"), "the flip is recorded once the link changed");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Binding backEnd(String id, String port, int tunnel, int vlan, Direction direction) {
        return Bindings.binding(id, port, tunnel, vlan).setTapAt(TapAt.BACK_END).setDirection(direction).build();
    }

    @Test
    void theBackEndTapWatchesTheVethPeerWithRxAndTxSwapped() {
        host.peers.put(new VethPeers.Port("ns-a", "svc0"), new VethPeers.Port("ns-h", "h-svc0"));

        assertEquals(BindingState.ACTIVE, manager.apply(backEnd("s1", "svc0", 5, 100, Direction.RX)).getState());

        assertEquals(Set.of("ns-h/h-svc0#1"), host.sessions.keySet());
        TapSession s = host.sessions.get("ns-h/h-svc0#1");
        assertEquals(Direction.TX, s.direction(), "what the NSF receives, its veth peer sends");
        assertEquals("tun5", s.tunnel());
        assertEquals("enable", host.linkState(new VfId("pf0", 5)));

        manager.apply(backEnd("s1", "svc0", 5, 100, Direction.TX));
        assertEquals(Direction.RX, host.sessions.get("ns-h/h-svc0#1").direction());
        manager.carrier("ns-h", "tun5", false);
        assertEquals(BindingState.PENDING, manager.status("s1").getState());
        manager.carrier("ns-h", "tun5", true);

        host.peers.clear(); // a known back end is not read again: a link flip costs one write
        host.changes.clear();
        assertEquals(BindingState.DISABLED, manager.setEnabled("s1", false).getState());
        assertEquals(List.of("setLinkState pf0/5 disable"), host.changes);

        manager.remove("s1");
        assertTrue(host.sessions.isEmpty());
    }

    @Test
    void movingABindingBetweenTapPointsMovesItsSession() {
        host.peers.put(new VethPeers.Port("ns-a", "svc0"), new VethPeers.Port("ns-a", "h-svc0"));
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        assertEquals(Set.of("ns-a/svc0#1"), host.sessions.keySet());

        manager.apply(backEnd("s1", "svc0", 1, 100, Direction.BOTH));
        assertEquals(Set.of("ns-a/h-svc0#1"), host.sessions.keySet());

        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        assertEquals(Set.of("ns-a/svc0#1"), host.sessions.keySet());
    }

    @Test
    void aBackEndWithoutAVethPeerOrWithTheTunnelElsewhereIsRefusedBeforeAnyWrite() {
        host.peers.put(new VethPeers.Port("ns-a", "svc0"), new VethPeers.Port("ns-h", "h-svc0"));
        host.peers.put(new VethPeers.Port("ns-a", "svc1"), new VethPeers.Port("ns-m", "mon1"));
        String clean = host.snapshot();

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> manager.apply(backEnd("s1", "br0", 5, 100, Direction.BOTH)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("sources[0].ifname: tap_at BACK_END"),
                e.getStatus().getDescription());

        e = assertThrows(StatusRuntimeException.class, () -> manager.apply(backEnd("s1", "svc0", 1, 100, Direction.BOTH)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("sources[0].tunnel: VF pf0/1 lives in namespace 'ns-a', not in 'ns-h', where the back-end TAP"
                + " watches h-svc0, the veth peer of svc0", e.getStatus().getDescription());

        e = assertThrows(StatusRuntimeException.class, () -> manager.apply(backEnd("s1", "svc1", 5, 100, Direction.BOTH)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("is VF pf0/4"), e.getStatus().getDescription());

        assertEquals(clean, host.snapshot());
        assertTrue(host.changes.isEmpty(), host.changes.toString());
        assertEquals(BindingState.REMOVED, manager.status("s1").getState());
    }

    @Test
    void carrierLossMakesTheBindingPending() {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());

        manager.carrier("ns-a", "tun0", false);
        assertEquals(BindingState.PENDING, manager.status("s1").getState());
        assertTrue(events.stream().anyMatch(e -> e.hasLink() && !e.getLink().getCarrier()
                && e.getLink().getTunnel().getVf() == 1));
        manager.carrier("ns-a", "tun0", true);
        assertEquals(BindingState.ACTIVE, manager.status("s1").getState());
    }

    @Test
    void restartReappliesWithoutDuplicatesAndReleasesWhatIsNoLongerDesired() throws Exception {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        manager.apply(Bindings.binding("s2", "svc1", 3, 200).build());
        String applied = host.snapshot();
        // The host lost the TAP sessions (a reboot of the NSF), and the saved state marks s2 as being removed.
        host.sessions.clear();
        List<Entry> saved = new ArrayList<>(new StateStore(stateDir).load());
        saved.replaceAll(e -> e.id().equals("s2") ? new Entry("s2", null, e.owned(), false, null) : e);
        new StateStore(stateDir).save(saved, true);

        BindingManager restarted = newManager();
        assertTrue(restarted.restore(new StateStore(stateDir).load()).isEmpty());

        assertEquals(Set.of("ns-a/svc0#1"), host.sessions.keySet());
        assertEquals(Set.of(100), host.vlanMirror(MONITOR));
        assertEquals("auto", host.linkState(new VfId("pf0", 3)));
        assertFalse(host.loopback(new VfId("pf0", 3)));
        assertEquals(List.of("s1"), restarted.list().stream().map(s -> s.getId()).toList());
        assertTrue(applied.contains("ns-a/svc1#1"));
    }

    @Test
    void theAgentLeavesWhatItDoesNotOwn() {
        host.vlanMirror.put(MONITOR, new TreeSet<>(Set.of(7)));
        host.loopback.put(TUNNEL, true);
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());

        manager.remove("s1");

        assertEquals(Set.of(7), host.vlanMirror(MONITOR));
        assertTrue(host.loopback(TUNNEL), "loopback was on before the agent came");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> manager.apply(Bindings.binding("s2", "svc0", 1, 7).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("does not own"));
    }

    @Test
    void aTapSessionMadeByHandOnTheWantedTunnelIsRefusedBeforeAnyWrite() {
        host.sessions.put("ns-a/svc0#9", new TapSession("ns-a", "svc0", 9, "tun0", Direction.BOTH, List.of(7), 1, 0,
                org.mirrortunnel.agent.api.v1.Filter.getDefaultInstance()));
        String before = host.snapshot();

        assertPrecondition(Bindings.binding("s1", "svc1", 1, 100).build(),
                "tunnel VF pf0/1 (tun0) already carries TAP session 9 on port ns-a/svc0, which this agent does not own");

        assertEquals(before, host.snapshot());
        assertEquals(BindingState.ACTIVE, manager.apply(Bindings.binding("s1", "svc1", 3, 100).build()).getState());
        assertEquals(BindingState.ACTIVE, manager.apply(Bindings.binding("s1", "svc0", 3, 101).build()).getState());
    }

    @Test
    void theSessionsOfTheAgentsOwnBindingsAreNotForeign() {
        host.sessions.put("ns-a/svc0#9", new TapSession("ns-a", "svc0", 9, "tun0", Direction.BOTH, List.of(7), 1, 0,
                org.mirrortunnel.agent.api.v1.Filter.getDefaultInstance()));
        Owned removing = new Owned(Set.of(new Owned.TapClaim("ns-a", "svc0", 9)), Set.of(), Set.of());
        Planner planner = new Planner(Bindings.INVENTORY, host, host, host);

        Planner.Plan plan = planner.plan(Bindings.binding("s1", "svc1", 1, 100).build(), null, Owned.NOTHING,
                List.of(new Entry("old", null, removing, false, null)), new java.util.HashMap<>());
        Planner.Plan update = planner.plan(Bindings.binding("s1", "svc1", 1, 100).build(), null, removing, List.of(),
                new java.util.HashMap<>());

        assertEquals(Set.of(new Owned.TapClaim("ns-a", "svc1", 1)), plan.claims().taps());
        assertEquals(Set.of(new Owned.TapClaim("ns-a", "svc1", 1)), update.claims().taps());
    }

    @Test
    void syncWithASmallerSetRemovesTheRest() {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        manager.apply(Bindings.binding("s2", "svc1", 3, 200).build());

        SyncBindingsResponse r = manager.sync(List.of(Bindings.binding("s1", "svc0", 1, 100).build()));

        assertEquals(List.of("s2"), r.getRemovedList());
        assertEquals(BindingState.ACTIVE, r.getApplied(0).getState());
        assertEquals(Set.of(100), host.vlanMirror(MONITOR));
        assertEquals(Set.of("ns-a/svc0#1"), host.sessions.keySet());
    }

    @Test
    void syncCanHandAReleasedVlanToANewBinding() {
        manager.apply(Bindings.binding("old", "svc0", 1, 100).build());

        SyncBindingsResponse r = manager.sync(List.of(Bindings.binding("new", "svc0", 1, 100).build()));

        assertEquals(List.of("old"), r.getRemovedList());
        assertEquals(BindingState.ACTIVE, r.getApplied(0).getState(), r.getApplied(0).getMessage());
    }

    @Test
    void conflictsAndLimitsAreFailedPreconditions() {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        int changes = host.changes.size();

        assertPrecondition(Bindings.binding("s2", "svc1", 1, 200).build(), "carries binding 's1'");
        assertPrecondition(Bindings.binding("s2", "svc1", 3, 100).build(), "VLAN 100 belongs to binding 's1'");
        Set<Integer> full = new TreeSet<>();
        for (int v = 1000; full.size() < NicDriver.MAX_VLAN_MIRROR; v++) {
            full.add(v);
        }
        host.vlanMirror.put(new VfId("pf0", 4), full);
        assertPrecondition(Bindings.binding("s2", "svc1", 3, 200).clearMonitors()
                .addMonitors(org.mirrortunnel.agent.api.v1.MonitorPort.newBuilder().setVf(Bindings.vf(4))).build(),
                "would mirror 193 VLANs, at most 192");
        host.capabilities = Set.of(NicDriver.Capability.LINK_STATE);
        assertPrecondition(Bindings.binding("s2", "svc1", 3, 200).build(), "offers no vlan_mirror");
        assertEquals(changes, host.changes.size(), "a refused binding touched the host: " + host.changes);
    }

    @Test
    void aBatchCountsItsOwnVlansAgainstTheMirrorLimit() {
        List<Binding> set = new ArrayList<>();
        for (int i = 0; i <= NicDriver.MAX_VLAN_MIRROR; i++) {
            set.add(Bindings.binding("m" + i, "svc0", 1, 1000 + i).clearSources().build());
        }

        SyncBindingsResponse r = manager.sync(set);

        assertEquals(NicDriver.MAX_VLAN_MIRROR, r.getAppliedList().stream()
                .filter(s -> s.getState() == BindingState.ACTIVE).count());
        assertTrue(r.getApplied(NicDriver.MAX_VLAN_MIRROR).getMessage().contains("would mirror 193 VLANs"),
                r.getApplied(NicDriver.MAX_VLAN_MIRROR).getMessage());
        assertEquals(NicDriver.MAX_VLAN_MIRROR, host.vlanMirror(MONITOR).size());
        assertEquals(List.of("addVlanMirror pf0/2 " + new TreeSet<>(host.vlanMirror(MONITOR))),
                host.changes.stream().filter(c -> c.startsWith("addVlanMirror")).toList(), "one joint write");
    }

    @Test
    void whenTheJointWriteFailsEachBindingWritesItsOwn() {
        host.failOn = "addVlanMirror";

        SyncBindingsResponse r = manager.sync(List.of(Bindings.binding("a", "svc0", 1, 100).clearSources().build(),
                Bindings.binding("b", "svc0", 1, 101).clearSources().build()));

        assertEquals(List.of(BindingState.ACTIVE, BindingState.ACTIVE),
                r.getAppliedList().stream().map(s -> s.getState()).toList());
        assertEquals(List.of("addVlanMirror pf0/2 [100]", "addVlanMirror pf0/2 [101]"), host.changes);
    }

    @Test
    void aJointlyWrittenBindingIsStillUndoneAlone() {
        host.failOn = "attach";

        SyncBindingsResponse r = manager.sync(List.of(Bindings.binding("a", "svc0", 1, 100).build(),
                Bindings.binding("b", "svc1", 3, 101).build()));

        assertEquals(BindingState.FAILED, r.getApplied(0).getState());
        assertEquals(BindingState.ACTIVE, r.getApplied(1).getState());
        assertEquals(Set.of(101), host.vlanMirror(MONITOR), "a's VLAN was taken back, b's kept");
        assertEquals(Set.of("ns-a/svc1#1"), host.sessions.keySet());
    }

    @Test
    void aVlanSwapOnAMonitorVfAtItsLimitTakesAwayBeforeItAdds() {
        Set<Integer> foreign = new TreeSet<>();
        for (int v = 1000; foreign.size() < NicDriver.MAX_VLAN_MIRROR - 2; v++) {
            foreign.add(v);
        }
        host.vlanMirror.put(MONITOR, new TreeSet<>(foreign));
        manager.apply(Bindings.binding("m1", "svc0", 1, 100).addVlans(101).clearSources().build());
        assertEquals(NicDriver.MAX_VLAN_MIRROR, host.vlanMirror(MONITOR).size());
        host.changes.clear();

        assertEquals(BindingState.ACTIVE, manager.apply(Bindings.binding("m1", "svc0", 1, 100).addVlans(102)
                .clearSources().build()).getState());
        assertEquals(List.of("removeVlanMirror pf0/2 [101]", "addVlanMirror pf0/2 [102]"), host.changes);

        SyncBindingsResponse r = manager.sync(List.of(Bindings.binding("m1", "svc0", 1, 103).addVlans(104)
                .clearSources().build(), Bindings.binding("m2", "svc1", 3, 105).clearMonitors().build()));
        assertEquals(List.of(BindingState.ACTIVE, BindingState.ACTIVE),
                r.getAppliedList().stream().map(a -> a.getState()).toList(), r.toString());
        Set<Integer> expected = new TreeSet<>(foreign);
        expected.addAll(Set.of(103, 104));
        assertEquals(expected, host.vlanMirror(MONITOR));
    }

    @Test
    void aMonitorOnlyBindingIsActiveWhateverEnabledSays() {
        var status = manager.apply(Bindings.binding("m1", "svc0", 1, 100).clearSources().setEnabled(false).build());

        assertEquals(BindingState.ACTIVE, status.getState());
        assertEquals(Set.of(100), host.vlanMirror(MONITOR));
        assertEquals(BindingState.DISABLED, manager.apply(Bindings.binding("s1", "svc0", 1, 200).setEnabled(false)
                .build()).getState(), "with sources, enabled = false switches the tunnel off");
    }

    @Test
    void aBindingReappliedOnATunnelThatLostCarrierReportsWhatTheHostShows() {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());
        manager.setEnabled("s1", false);
        manager.carrier("ns-a", "tun0", false); // the watcher saw the tunnel go down
        manager.remove("s1");

        assertEquals(BindingState.ACTIVE, manager.apply(Bindings.binding("s2", "svc0", 1, 100).build()).getState());
    }

    @Test
    void aJointlyRemovedVlanIsGivenBackWhenItsBindingFailsToGo() {
        manager.sync(List.of(Bindings.binding("a", "svc0", 1, 100).build(), Bindings.binding("b", "svc1", 3, 101).build()));
        host.failOn = "detach";

        SyncBindingsResponse r = manager.sync(List.of());

        assertEquals(1, r.getRemovedCount(), r.toString());
        assertEquals(Set.of(100), host.vlanMirror(MONITOR), "the binding that could not go keeps its VLAN");
        assertEquals(List.of("a"), manager.list().stream().map(s -> s.getId()).toList());
    }

    @Test
    void aPortHoldsAtMostSixteenSessions() {
        for (int i = 1; i <= 16; i++) {
            host.attach(new org.mirrortunnel.agent.tap.TapSession("ns-a", "svc0", i, "x", null, List.of(), 0, 0, null));
        }
        assertPrecondition(Bindings.binding("s1", "svc0", 1, 100).build(), "16 TAP sessions");
    }

    @Test
    void callsOnOneBindingAreSerialised() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            boolean on = i % 2 == 0;
            calls.add(pool.submit(() -> manager.apply(Bindings.binding("s1", "svc0", 1, 100).setEnabled(on).build())));
        }
        for (Future<?> f : calls) {
            f.get();
        }
        pool.shutdown();
        assertEquals(Set.of("ns-a/svc0#1"), host.sessions.keySet());
        assertEquals(host.linkState(TUNNEL), manager.status("s1").getBinding().getEnabled() ? "enable" : "disable");
    }

    @Test
    void stateIsSavedAtomicallyAsJson() throws Exception {
        manager.apply(Bindings.binding("s1", "svc0", 1, 100).build());

        String saved = Files.readString(stateDir.resolve("bindings.json"));
        assertTrue(saved.contains("\"session\":1"), saved);
        assertFalse(Files.exists(stateDir.resolve("bindings.json.tmp")));
        assertEquals(1, new StateStore(stateDir).load().size());
    }

    private void assertPrecondition(Binding b, String message) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> manager.apply(b));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
    }
}
