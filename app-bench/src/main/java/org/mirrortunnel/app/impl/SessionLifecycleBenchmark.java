package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.net.intent.MockIdGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sessions created and removed per second through the real manager and distributed store on ONOS's test
 * storage: each operation creates one session (name, tunnel VF and VLAN claims, endpoint resolution, store,
 * intents) and removes it again (store, releases, intent withdrawal).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang.invoke=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED"})
public class SessionLifecycleBenchmark {

    /** Sessions already in the store, each on an agent of its own. */
    @Param({"0", "100"})
    public int existing;

    /** Where the monitor is: on the source's host (no intent) or on another host (one intent). */
    @Param({"local", "remote"})
    public String monitor;

    private MirrorTestContext ctx;
    private MirrorSession request;

    @Setup(Level.Trial)
    public void setUp() {
        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.intents.cluster().logRequests(false);
        ctx.addConnectedAgents("src", "mon");
        for (int i = 0; i < existing; i++) {
            ctx.addAgent("host-" + i, "");
            ctx.manager.createSession(session("bg-" + i, "host-" + i + ":svc0", "host-" + i + ":mon0"));
        }
        String monitorHost = "remote".equals(monitor) ? "mon" : "src";
        request = session("bench", "src:svc0", monitorHost + ":mon0");
    }

    private static MirrorSession session(String name, String source, String monitor) {
        return MirrorSession.builder().name(name).sources(List.of(MirrorEndpoint.parse(source)))
                .monitors(List.of(MirrorEndpoint.parse(monitor))).build();
    }

    @Benchmark
    public MirrorSession createAndRemove() {
        MirrorSession created = ctx.manager.createSession(request);
        return ctx.manager.removeSession(created.id());
    }

    /** Checks that every operation left the store and the intents as it found them. */
    @TearDown(Level.Iteration)
    public void checkNothingLeaks() {
        if (ctx.manager.getSessions().size() != existing || ctx.store.allocatedVlans().size() != existing
                || ctx.store.claims().size() != 3 * existing || !ctx.intents.cluster().installed().isEmpty()) {
            throw new IllegalStateException("sessions, claims or intents leaked");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.stop();
        MockIdGenerator.unbind();
    }
}
