package org.mirrortunnel.app.impl;

import io.grpc.Status;
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
import org.mirrortunnel.app.agent.AgentException;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.OperState;
import org.onosproject.net.intent.MockIdGenerator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The programmer of one node against scripted agents: each agent has its own ordered, bounded lane of calls,
 * so a stuck agent delays no other; only connection-level failures count as an agent lost; a changed
 * component config applies at once.
 */
public class AgentLanesTest {
    private static final long WAIT_MILLIS = 10_000;

    private MirrorTestContext ctx;
    private AgentProgrammer programmer;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** Agents whose next apply waits for the latch. */
    private final Map<String, CountDownLatch> stuck = new ConcurrentHashMap<>();
    /** Agents that refuse applies of a session with this status, by session name. */
    private final Map<String, Status> refusals = new ConcurrentHashMap<>();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.addConnectedAgents("host-a", "host-b");
        ctx.addAgent("host-a", "", "", "", "");
        programmer = ctx.programmer(e -> new ScriptedClient(e.agentId()));
        programmer.activate(null);
    }

    @After
    public void tearDown() {
        stuck.values().forEach(CountDownLatch::countDown);
        programmer.deactivate();
        ctx.stop();
        MockIdGenerator.unbind();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            assertTrue("timed out waiting for " + what, System.currentTimeMillis() < end);
            Thread.sleep(20);
        }
    }

    private long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    private MirrorSession create(String name, String source, String monitor) {
        return ctx.manager.createSession(MirrorSession.builder().name(name)
                .sources(List.of(MirrorEndpoint.parse(source))).monitors(List.of(MirrorEndpoint.parse(monitor)))
                .build());
    }

    private HostState state(MirrorSession s, String agent) {
        return ctx.manager.getSession(s.id()).map(x -> x.hostStates().get(agent)).orElse(null);
    }

    @Test
    public void aStuckAgentDelaysNoOtherAgent() throws InterruptedException {
        await("both agents synced", () -> calls.contains("host-a sync") && calls.contains("host-b sync"));
        CountDownLatch release = new CountDownLatch(1);
        stuck.put("host-a", release);
        MirrorSession a = create("on-a", "host-a:svc0", "host-a:mon0");
        await("host-a's apply under way", () -> calls.contains("host-a apply " + a.id()));

        MirrorSession b = create("on-b", "host-b:svc0", "host-b:mon0");
        await("host-b applied while host-a is stuck", () -> calls.contains("host-b apply " + b.id()));
        assertEquals(OperState.ACTIVE, state(b, "host-b").state());
        release.countDown();
        await("host-a applied once released", () -> state(a, "host-a") != null);
    }

    @Test
    public void aStuckAgentsLaneIsBoundedAndCatchesUpWithOneResync() throws InterruptedException {
        await("host-a synced", () -> calls.contains("host-a sync"));
        MirrorSession s = create("flappy", "host-a:svc0", "host-a:mon0");
        await("applied", () -> calls.contains("host-a apply " + s.id()));
        CountDownLatch release = new CountDownLatch(1);
        stuck.put("host-a", release);
        ctx.manager.updateSession(s.toBuilder().snaplen(128).build());
        await("the update under way", () -> count("host-a apply " + s.id()) == 2);

        for (int i = 0; i < 500; i++) {
            ctx.manager.disableSession(s.id());
            ctx.manager.enableSession(s.id());
        }
        ctx.manager.disableSession(s.id());
        calls.clear();
        release.countDown();

        await("a resync after the overflow", () -> calls.contains("host-a sync"));
        await("the lane drained", () -> state(s, "host-a") != null
                && state(s, "host-a").state() == OperState.DISABLED && !calls.isEmpty()
                && calls.get(calls.size() - 1).startsWith("host-a "));
        Thread.sleep(200);
        assertThat("the 1001 changes did not all queue up: " + calls.size(), (long) calls.size(), lessThan(300L));
        assertEquals(OperState.DISABLED, state(s, "host-a").state());
    }

    @Test
    public void aRefusedCallFailsItsBindingAndKeepsTheAgent() throws InterruptedException {
        await("host-a synced", () -> calls.contains("host-a sync"));
        MirrorSession good = create("good", "host-a:svc0", "host-a:mon0");
        await("good applied", () -> state(good, "host-a") != null);
        refusals.put("bad", Status.INVALID_ARGUMENT.withDescription("vlans: 100 is outside this host's pool"));
        MirrorSession bad = create("bad", "host-a:svc1", "host-a:mon0");

        await("bad refused", () -> state(bad, "host-a") != null);
        assertEquals(OperState.FAILED, state(bad, "host-a").state());
        assertThat(state(bad, "host-a").message(), containsString("vlans: 100 is outside this host's pool"));
        Thread.sleep(300);
        assertEquals(OperState.ACTIVE, state(good, "host-a").state());
        assertTrue(ctx.store.getAgent("host-a").orElseThrow().connected());
        assertEquals("no reconnection, no resync: " + calls, 1, count("host-a sync"));
        assertFalse(calls.contains("host-a close"));
    }

    @Test
    public void anUnreachableAgentDegradesItsSessionsAndIsSyncedAgain() throws InterruptedException {
        await("host-a synced", () -> calls.contains("host-a sync"));
        MirrorSession good = create("good", "host-a:svc0", "host-a:mon0");
        await("good applied", () -> state(good, "host-a") != null);
        refusals.put("lost", Status.UNAVAILABLE.withDescription("connection refused"));
        MirrorSession lost = create("lost", "host-a:svc1", "host-a:mon0");

        await("degraded", () -> state(good, "host-a").state() == OperState.DEGRADED);
        assertThat(state(good, "host-a").message(), containsString("agent unreachable"));
        assertTrue(calls.contains("host-a close"));
        assertFalse(ctx.store.getAgent("host-a").orElseThrow().connected());
        assertEquals(OperState.DEGRADED, state(lost, "host-a").state());
    }

    @Test
    public void aNewStatsPeriodAppliesAtOnce() throws InterruptedException {
        await("host-a synced", () -> calls.contains("host-a sync"));
        calls.clear();
        programmer.modified(MirrorTestContext.properties(OsgiPropertyConstants.STATS_SECONDS, 1));
        await("stats every second", () -> count("host-a stats") >= 2);
    }

    /** Records each call as "agent call [id]"; waits or refuses as the test says. */
    private final class ScriptedClient implements AgentClient {
        private final String agentId;

        ScriptedClient(String agentId) {
            this.agentId = agentId;
        }

        private void record(String call) {
            calls.add(agentId + " " + call);
        }

        @Override
        public AgentInfo getInfo() {
            record("info");
            PfInfo.Builder pf = PfInfo.newBuilder().setName("pf0");
            for (int vf = 1; vf <= 4; vf++) {
                pf.addVfs(vf(vf, VfRole.TUNNEL, "tun" + vf));
            }
            return AgentInfo.newBuilder().setAgentId(agentId).addPfs(pf.addVfs(vf(9, VfRole.MONITOR, "mon0")))
                    .build();
        }

        private VfInfo vf(int index, VfRole role, String ifname) {
            return VfInfo.newBuilder().setRef(VfRef.newBuilder().setPf("pf0").setVf(index)).setRole(role)
                    .setIfname(ifname).build();
        }

        @Override
        public SyncBindingsResponse sync(List<Binding> bindings) {
            record("sync");
            SyncBindingsResponse.Builder r = SyncBindingsResponse.newBuilder();
            bindings.forEach(b -> r.addApplied(status(b)));
            return r.build();
        }

        private BindingStatus status(Binding b) {
            return BindingStatus.newBuilder().setId(b.getId())
                    .setState(b.getEnabled() ? BindingState.ACTIVE : BindingState.DISABLED).build();
        }

        @Override
        public BindingStatus apply(Binding binding) {
            record("apply " + binding.getId());
            CountDownLatch latch = stuck.remove(agentId);
            if (latch != null) {
                try {
                    latch.await(6 * WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String name = ctx.store.getSession(MirrorSessionId.of(binding.getId())).map(MirrorSession::name)
                    .orElse("");
            Status refusal = refusals.get(name);
            if (refusal != null) {
                throw new AgentException("agent " + agentId + " ApplyBinding: " + refusal.getCode() + " "
                        + refusal.getDescription(), refusal.asRuntimeException());
            }
            return status(binding);
        }

        @Override
        public void remove(String id) {
            record("remove " + id);
        }

        @Override
        public BindingStatus setEnabled(String id, boolean enabled) {
            record("enable " + id + " " + enabled);
            return BindingStatus.newBuilder().setId(id).setState(enabled ? BindingState.ACTIVE
                    : BindingState.DISABLED).build();
        }

        @Override
        public GetStatsResponse stats() {
            record("stats");
            return GetStatsResponse.getDefaultInstance();
        }

        @Override
        public void watch(Consumer<AgentEvent> onEvent, Consumer<Throwable> onEnd) {
            record("watch");
        }

        @Override
        public void close() {
            record("close");
        }
    }
}
