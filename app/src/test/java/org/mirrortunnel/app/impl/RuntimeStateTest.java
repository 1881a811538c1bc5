package org.mirrortunnel.app.impl;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorEvent;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.OperState;
import org.onosproject.net.intent.MockIdGenerator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

/**
 * What agents report (each host's state and counters) is runtime state: it stays out of the strongly
 * consistent maps that hold the sessions' definitions, and every node serves it through the service.
 */
public class RuntimeStateTest {
    private MirrorTestContext node1;
    private MirrorTestContext node2;
    private final List<MirrorEvent> seenByNode2 = new CopyOnWriteArrayList<>();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        node1 = new MirrorTestContext();
        node1.addConnectedAgents("host-a", "host-b");
        node2 = node1.peer("node-2");
        node2.manager.addListener(seenByNode2::add);
    }

    @After
    public void tearDown() {
        node2.stop();
        node1.stop();
        MockIdGenerator.unbind();
    }

    @Test
    public void statsPollsWriteNothingToTheConsistentMapsAndEveryNodeServesThem() {
        MirrorSession s = node1.manager.createSession(MirrorSession.builder().name("web")
                .sources(List.of(MirrorEndpoint.parse("host-a:svc0")))
                .monitors(List.of(MirrorEndpoint.parse("host-b:mon0"))).build());
        seenByNode2.clear();
        long writes = node1.storage.consistentWrites();

        for (int poll = 1; poll <= 20; poll++) {
            node1.store.updateHostState(s.id(), "host-a", new HostState(OperState.ACTIVE, "",
                    new MirrorCounters(poll * 10, poll * 5, poll * 4, poll, 0, 0)));
            node1.store.updateHostState(s.id(), "host-b", new HostState(OperState.ACTIVE, "",
                    new MirrorCounters(0, 0, 0, 0, 0, poll * 5)));
        }

        assertEquals("no replicated write for runtime state", writes, node1.storage.consistentWrites());
        MirrorSession seen = node2.manager.getSession(s.id()).orElseThrow();
        assertEquals(new MirrorCounters(200, 100, 80, 20, 0, 100), seen.counters());
        assertEquals(OperState.ACTIVE, seen.operState());
        assertEquals(Map.of("host-a", new HostState(OperState.ACTIVE, "", new MirrorCounters(200, 100, 80, 20, 0, 0)),
                "host-b", new HostState(OperState.ACTIVE, "", new MirrorCounters(0, 0, 0, 0, 0, 100))),
                seen.hostStates());
        assertEquals(seen, node2.manager.getSessions().iterator().next());
        assertFalse("listeners hear of the change", seenByNode2.isEmpty());
        MirrorEvent last = seenByNode2.get(seenByNode2.size() - 1);
        assertEquals(MirrorEvent.Type.SESSION_STATE_CHANGED, last.type());
        assertEquals(seen.hostStates(), last.subject().hostStates());
    }

    @Test
    public void theStateOfAHostThatLeavesTheSessionAndOfARemovedSessionGoes() {
        MirrorSession s = node1.manager.createSession(MirrorSession.builder().name("web")
                .sources(List.of(MirrorEndpoint.parse("host-a:svc0")))
                .monitors(List.of(MirrorEndpoint.parse("host-b:mon0"))).build());
        node1.store.updateHostState(s.id(), "host-b", new HostState(OperState.FAILED, "no VF", MirrorCounters.ZERO));

        MirrorSession local = node2.manager.updateSession(s.toBuilder()
                .monitors(List.of(MirrorEndpoint.parse("host-a:mon0"))).build());
        assertEquals(Map.of(), local.hostStates());
        assertEquals(OperState.PENDING, node1.manager.getSession(s.id()).orElseThrow().operState());

        node1.store.updateHostState(s.id(), "host-a", new HostState(OperState.ACTIVE, "", MirrorCounters.ZERO));
        node2.manager.removeSession(s.id());
        assertEquals("no runtime state outlives its session", 0, node1.storage.eventualEntries());
    }
}
