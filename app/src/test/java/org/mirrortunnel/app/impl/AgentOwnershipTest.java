package org.mirrortunnel.app.impl;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.PfInfo;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.api.v1.VfInfo;
import org.mirrortunnel.agent.api.v1.VfRef;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.app.agent.AgentClient;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.net.intent.MockIdGenerator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Two cluster nodes share the store; the work partitions give host-a to node-1 and host-b to node-2.
 * Each agent must be opened, synced and programmed by its owner alone.
 */
public class AgentOwnershipTest {
    private MirrorTestContext ctx;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private AgentProgrammer node1;
    private AgentProgrammer node2;

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.addConnectedAgents("host-a", "host-b");
        node1 = programmer("node-1", "host-a");
        node2 = programmer("node-2", "host-b");
    }

    private AgentProgrammer programmer(String node, String owned) {
        MirrorTestContext.TestWorkPartitionService partitions = new MirrorTestContext.TestWorkPartitionService();
        partitions.mine = owned::equals;
        AgentProgrammer p = ctx.programmer(node, partitions, e -> new RecordingClient(node, e.agentId()));
        p.activate(null);
        return p;
    }

    @After
    public void tearDown() {
        node1.deactivate();
        node2.deactivate();
        ctx.stop();
        MockIdGenerator.unbind();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
    }

    @Test
    public void onlyTheOwnerProgramsAnAgent() throws InterruptedException {
        await(() -> calls.contains("node-1 host-a sync") && calls.contains("node-2 host-b sync"));
        assertEquals(Set.of("host-a"), node1.ownedAgents());
        assertEquals(Set.of("host-b"), node2.ownedAgents());

        MirrorSession s = ctx.manager.createSession(MirrorSession.builder().name("web")
                .sources(List.of(MirrorEndpoint.parse("host-a:svc0")))
                .monitors(List.of(MirrorEndpoint.parse("host-b:mon0"))).build());
        await(() -> calls.contains("node-1 host-a apply " + s.id())
                && calls.contains("node-2 host-b apply " + s.id()));

        assertTrue(calls.contains("node-1 host-a apply " + s.id()));
        assertTrue(calls.contains("node-2 host-b apply " + s.id()));
        assertEachAgentProgrammedByItsOwnerAlone();
    }

    private void assertEachAgentProgrammedByItsOwnerAlone() {
        assertTrue("no node touches another's agent: " + calls, calls.stream()
                .allMatch(c -> c.startsWith("node-1 host-a") || c.startsWith("node-2 host-b")));
    }

    private long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    @Test
    public void anUpdateMovingAnEndpointRemovesTheBindingFromTheAgentLeftOut() throws InterruptedException {
        await(() -> calls.contains("node-1 host-a sync") && calls.contains("node-2 host-b sync"));
        MirrorSession s = ctx.manager.createSession(MirrorSession.builder().name("web")
                .sources(List.of(MirrorEndpoint.parse("host-a:svc0")))
                .monitors(List.of(MirrorEndpoint.parse("host-a:mon0"))).build());
        String applyA = "node-1 host-a apply " + s.id();
        String applyB = "node-2 host-b apply " + s.id();
        await(() -> calls.contains(applyA));

        MirrorSession remote = ctx.manager.updateSession(s.toBuilder()
                .monitors(List.of(MirrorEndpoint.parse("host-b:mon0"))).build());
        await(() -> count(applyA) == 2 && count(applyB) == 1);
        assertEquals("the source's host is re-programmed, the monitor's gets the binding", List.of(2L, 1L),
                List.of(count(applyA), count(applyB)));

        ctx.manager.updateSession(remote.toBuilder().sources(List.of(MirrorEndpoint.parse("host-b:svc0"))).build());
        await(() -> calls.contains("node-1 host-a remove " + s.id()) && count(applyB) == 2);
        assertTrue("host-a no longer takes part: " + calls, calls.contains("node-1 host-a remove " + s.id()));
        assertEquals(2, count(applyB));
        assertEquals(2, count(applyA));
        assertFalse("host-b keeps the binding", calls.contains("node-2 host-b remove " + s.id()));
        assertEachAgentProgrammedByItsOwnerAlone();
    }

    /** Records each call as "node agent call [id]" and answers ACTIVE. */
    private final class RecordingClient implements AgentClient {
        private final String prefix;
        private final String agentId;

        RecordingClient(String node, String agentId) {
            this.prefix = node + " " + agentId + " ";
            this.agentId = agentId;
        }

        @Override
        public AgentInfo getInfo() {
            calls.add(prefix + "info");
            return AgentInfo.newBuilder().setAgentId(agentId).addPfs(PfInfo.newBuilder().setName("pf0")
                    .addVfs(vf(1, VfRole.TUNNEL, "tun0")).addVfs(vf(9, VfRole.MONITOR, "mon0"))).build();
        }

        private VfInfo vf(int index, VfRole role, String ifname) {
            return VfInfo.newBuilder().setRef(VfRef.newBuilder().setPf("pf0").setVf(index)).setRole(role)
                    .setIfname(ifname).build();
        }

        @Override
        public SyncBindingsResponse sync(List<Binding> bindings) {
            calls.add(prefix + "sync");
            return SyncBindingsResponse.getDefaultInstance();
        }

        @Override
        public BindingStatus apply(Binding binding) {
            calls.add(prefix + "apply " + binding.getId());
            return BindingStatus.newBuilder().setId(binding.getId()).setState(BindingState.ACTIVE).build();
        }

        @Override
        public void remove(String id) {
            calls.add(prefix + "remove " + id);
        }

        @Override
        public BindingStatus setEnabled(String id, boolean enabled) {
            calls.add(prefix + "enable " + id + " " + enabled);
            return BindingStatus.newBuilder().setId(id).setState(BindingState.ACTIVE).build();
        }

        @Override
        public GetStatsResponse stats() {
            return GetStatsResponse.getDefaultInstance();
        }

        @Override
        public void watch(Consumer<AgentEvent> onEvent, Consumer<Throwable> onEnd) {
            calls.add(prefix + "watch");
        }

        @Override
        public void close() {
            calls.add(prefix + "close");
        }
    }
}
