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
 * Time for a node to check the remote-delivery intents of all its sessions, as it does on every change of the
 * work partitions or of the agents' network config: every session has a remote monitor and its intent is
 * already right, so the check submits and withdraws nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang.invoke=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED"})
public class IntentReconcileBenchmark {

    /** Sessions stored, each from a host of its own to the monitor host: one intent each. */
    @Param({"100", "1000"})
    public int sessions;

    private MirrorTestContext ctx;

    @Setup(Level.Trial)
    public void setUp() {
        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        String[] agents = new String[sessions + 1];
        for (int i = 0; i < sessions; i++) {
            agents[i] = "h" + i;
        }
        agents[sessions] = "mon";
        ctx.addConnectedAgents(agents);
        for (int i = 0; i < sessions; i++) {
            ctx.manager.createSession(MirrorSession.builder().name("s" + i)
                    .sources(List.of(MirrorEndpoint.parse("h" + i + ":svc0")))
                    .monitors(List.of(MirrorEndpoint.parse("mon:mon0"))).build());
        }
        ctx.intents.cluster().clearLog();
    }

    @Benchmark
    public void partitionsChanged() {
        ctx.partitions.move(id -> true);
    }

    /** Checks that the intents were all there and that no check sent a request. */
    @TearDown(Level.Iteration)
    public void checkNothingWasSent() {
        if (ctx.intents.cluster().installed().size() != sessions || !ctx.intents.cluster().log().isEmpty()) {
            throw new IllegalStateException("the check changed intents: " + ctx.intents.cluster().log());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.stop();
        MockIdGenerator.unbind();
    }
}
