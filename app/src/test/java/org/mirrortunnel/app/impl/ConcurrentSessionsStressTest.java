package org.mirrortunnel.app.impl;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorResource;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.net.intent.MockIdGenerator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * Many threads on two cluster nodes create, change and remove sessions that compete for a few names, a small
 * VLAN pool and a few tunnel VFs. After every round a checker asserts that no VLAN and no tunnel VF belongs to
 * two sessions and that what the store holds as claimed (names, VLANs, tunnel VFs) is exactly the union of the
 * sessions' own.
 */
public class ConcurrentSessionsStressTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 300;
    private static final int AGENTS = 3;
    private static final int TUNNELS = 3;
    private static final int NAMES = 6;
    private static final int POOL_FIRST = 3000;
    private static final int POOL_SIZE = 12;

    private MirrorTestContext node1;
    private MirrorTestContext node2;
    private ExecutorService threads;
    private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        node1 = new MirrorTestContext();
        node2 = node1.peer("node-2");
        StringJoiner netcfg = new StringJoiner(", ", "{", "}");
        for (int a = 0; a < AGENTS; a++) {
            List<AgentVf> vfs = new ArrayList<>();
            for (int t = 1; t <= TUNNELS; t++) {
                vfs.add(new AgentVf(new VfId("pf0", t), AgentVf.Role.TUNNEL, "", "tun" + t, ""));
            }
            vfs.add(new AgentVf(new VfId("pf0", 9), AgentVf.Role.MONITOR, "", "mon0", ""));
            node1.store.putAgent(new AgentStatus("h" + a, "127.0.0.1:" + (a + 1), "node-1", true, "1", "i40e", vfs,
                    ""));
            netcfg.add("\"h" + a + "\": {\"address\": \"127.0.0.1:" + (a + 1) + "\", \"plaintext\": true,"
                    + " \"uplink\": \"of:" + (a + 1) + "/1\"}");
        }
        node1.netcfg.agents(netcfg.toString());
        String pool = POOL_FIRST + "-" + (POOL_FIRST + POOL_SIZE - 1);
        node1.manager.modified(MirrorTestContext.properties(OsgiPropertyConstants.VLAN_POOL, pool));
        node2.manager.modified(MirrorTestContext.properties(OsgiPropertyConstants.VLAN_POOL, pool));
        threads = Executors.newFixedThreadPool(THREADS);
    }

    @After
    public void tearDown() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        node2.stop();
        node1.stop();
        MockIdGenerator.unbind();
    }

    @Test
    public void noVlanOrTunnelIsEverSharedAndNothingLeaks() throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        for (int round = 0; round < ROUNDS; round++) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(round * 1000L + t);
                MirrorTestContext node = t % 2 == 0 ? node1 : node2;
                done.add(threads.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    step(node, random);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            check(round);
        }
        for (String outcome : List.of("create", "update", "remove", "disable", "refused")) {
            assertTrue("the rounds did " + outcome + ": " + outcomes,
                    outcomes.getOrDefault(outcome, new AtomicInteger()).get() > ROUNDS / 10);
        }
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    }

    /** One random operation; refusals are expected under contention, anything else is a failure. */
    private void step(MirrorTestContext node, Random random) {
        String name = "s" + random.nextInt(NAMES);
        Optional<MirrorSession> existing = node.manager.getSessionByName(name);
        try {
            if (existing.isEmpty()) {
                node.manager.createSession(MirrorSession.builder().name(name)
                        .sources(List.of(source(random))).monitors(List.of(monitor(random)))
                        .vlans(vlans(random)).build());
                count("create");
                return;
            }
            MirrorSession s = existing.get();
            switch (random.nextInt(4)) {
                case 0:
                    node.manager.removeSession(s.id());
                    count("remove");
                    break;
                case 1:
                    node.manager.disableSession(s.id());
                    count("disable");
                    break;
                default:
                    node.manager.updateSession(s.toBuilder().sources(List.of(source(random)))
                            .monitors(List.of(monitor(random))).vlans(vlans(random)).build());
                    count("update");
                    break;
            }
        } catch (MirrorException refused) {
            // a name, VLAN or tunnel taken, a session removed meanwhile: the call changed nothing
            count("refused");
        }
    }

    private static MirrorEndpoint source(Random random) {
        return MirrorEndpoint.parse("h" + random.nextInt(AGENTS) + ":svc" + random.nextInt(2));
    }

    private static MirrorEndpoint monitor(Random random) {
        return MirrorEndpoint.parse("h" + random.nextInt(AGENTS) + ":mon0");
    }

    /** None (one from the pool on create, the ones it has on update), or one or two of the pool's. */
    private static List<Integer> vlans(Random random) {
        Set<Integer> vlans = new TreeSet<>();
        int count = random.nextInt(3);
        while (vlans.size() < count) {
            vlans.add(POOL_FIRST + random.nextInt(POOL_SIZE));
        }
        return List.copyOf(vlans);
    }

    private void check(int round) {
        Map<Integer, String> vlanOwners = new HashMap<>();
        Map<String, String> tunnelOwners = new HashMap<>();
        Set<String> names = new HashSet<>();
        Map<MirrorResource, MirrorSessionId> held = new HashMap<>();
        for (MirrorSession s : node1.manager.getSessions()) {
            ResourceClaims.resourcesOf(s).forEach(r -> held.put(r, s.id()));
            assertTrue("round " + round + ": two sessions named " + s.name(), names.add(s.name()));
            for (int vlan : s.vlans()) {
                String other = vlanOwners.put(vlan, s.name());
                if (other != null) {
                    fail("round " + round + ": VLAN " + vlan + " belongs to " + other + " and " + s.name());
                }
            }
            for (TapPoint p : s.tapPoints()) {
                String other = tunnelOwners.put(p.agentId() + " " + p.tunnel(), s.name());
                if (other != null) {
                    fail("round " + round + ": tunnel " + p.agentId() + " " + p.tunnel() + " belongs to " + other
                            + " and " + s.name());
                }
            }
        }
        assertEquals("round " + round + ": allocated VLANs", vlanOwners.keySet(), node2.store.allocatedVlans());
        assertEquals("round " + round + ": the claimed names, VLANs and tunnels are the sessions' own", held,
                node2.store.claims());
    }
}
