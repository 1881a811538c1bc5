package org.mirrortunnel.app.impl;

import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.GetInfoRequest;
import org.mirrortunnel.agent.api.v1.GetStatsRequest;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.MirrorAgentGrpc;
import org.mirrortunnel.agent.api.v1.PfInfo;
import org.mirrortunnel.agent.api.v1.SyncBindingsRequest;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.api.v1.VfInfo;
import org.mirrortunnel.agent.api.v1.VfRef;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.agent.api.v1.WatchEventsRequest;
import org.mirrortunnel.app.api.AgentStatus;
import org.onosproject.net.intent.MockIdGenerator;
import org.osgi.service.component.ComponentContext;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The programmer's gRPC client against an agent service on loopback over mutual TLS (certificates from
 * tools/mkcerts): the channel is built without the name resolvers and load balancers gRPC registers globally
 * (inside ONOS, ServiceLoader does not see across bundles), and a new call deadline applies at once.
 */
public class GrpcAgentTest {
    private static final long WAIT_MILLIS = 10_000;
    private static Path certs;

    private Server server;
    private MirrorTestContext ctx;
    private AgentProgrammer programmer;

    @BeforeClass
    public static void makeCertificates() throws Exception {
        certs = Files.createTempDirectory("mirror-certs");
        Path script = Path.of(System.getProperty("user.dir")).resolve("../tools/mkcerts").normalize();
        Process p = new ProcessBuilder(script.toString(), certs.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(out, 0, p.waitFor());
    }

    private static File cert(String name) {
        return certs.resolve(name).toFile();
    }

    @Before
    public void setUp() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(cert("agent.pem"), cert("agent.key"))
                        .trustManager(cert("ca.pem")).clientAuth(ClientAuth.REQUIRE).build())
                .addService(new HangingStatsAgent()).build().start();
        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.netcfg.agents("{\"host-a\": {\"address\": \"localhost:" + server.getPort() + "\","
                + " \"ca\": \"" + cert("ca.pem") + "\", \"cert\": \"" + cert("client.pem") + "\","
                + " \"key\": \"" + cert("client.key") + "\"}}");
    }

    private void startProgrammer(ComponentContext properties) {
        programmer = ctx.programmer(null);
        programmer.activate(properties);
    }

    @After
    public void tearDown() throws InterruptedException {
        if (programmer != null) {
            programmer.deactivate();
        }
        ctx.stop();
        MockIdGenerator.unbind();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            assertTrue("timed out waiting for " + what + "; the agent: "
                    + agent().map(AgentStatus::message).orElse("unknown"), System.currentTimeMillis() < end);
            Thread.sleep(20);
        }
    }

    private Optional<AgentStatus> agent() {
        return ctx.store.getAgent("host-a");
    }

    @Test
    public void theChannelNeedsNoGloballyRegisteredResolverOrBalancer() throws Exception {
        List<NameResolverProvider> resolvers = registered(NameResolverRegistry.getDefaultRegistry());
        Map<String, LoadBalancerProvider> balancers = registered(LoadBalancerRegistry.getDefaultRegistry());
        resolvers.forEach(NameResolverRegistry.getDefaultRegistry()::deregister);
        balancers.values().forEach(LoadBalancerRegistry.getDefaultRegistry()::deregister);
        try {
            startProgrammer(null);
            await("the agent connected over mTLS", () -> agent().map(AgentStatus::connected).orElse(false));
            assertEquals(6, agent().orElseThrow().vfs().size());
        } finally {
            resolvers.forEach(NameResolverRegistry.getDefaultRegistry()::register);
            balancers.values().forEach(LoadBalancerRegistry.getDefaultRegistry()::register);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T registered(Object registry) throws ReflectiveOperationException {
        Method providers = registry.getClass().getDeclaredMethod("providers");
        providers.setAccessible(true);
        Object all = providers.invoke(registry);
        return (T) (all instanceof List ? new ArrayList<>((List<?>) all) : new java.util.HashMap<>((Map<?, ?>) all));
    }

    @Test
    public void aNewCallDeadlineAppliesToTheNextCall() throws InterruptedException {
        startProgrammer(MirrorTestContext.properties(OsgiPropertyConstants.STATS_SECONDS, 1));
        await("connected", () -> agent().map(AgentStatus::connected).orElse(false));

        programmer.modified(MirrorTestContext.properties(OsgiPropertyConstants.CALL_TIMEOUT_MILLIS, 300));
        await("a stats call that hangs given up after 300 ms", () -> !agent().orElseThrow().connected());
        assertThat(agent().orElseThrow().message(), containsString("DEADLINE_EXCEEDED"));
    }

    /** Answers who it is and syncs; never answers a stats call; keeps the event stream open. */
    private static final class HangingStatsAgent extends MirrorAgentGrpc.MirrorAgentImplBase {
        @Override
        public void getInfo(GetInfoRequest request, StreamObserver<AgentInfo> out) {
            PfInfo.Builder pf = PfInfo.newBuilder().setName("pf0");
            for (int vf = 1; vf <= 6; vf++) {
                pf.addVfs(VfInfo.newBuilder().setRef(VfRef.newBuilder().setPf("pf0").setVf(vf))
                        .setRole(vf < 6 ? VfRole.TUNNEL : VfRole.MONITOR).setIfname("vf" + vf));
            }
            out.onNext(AgentInfo.newBuilder().setAgentId("host-a").setVersion("test").addPfs(pf).build());
            out.onCompleted();
        }

        @Override
        public void syncBindings(SyncBindingsRequest request, StreamObserver<SyncBindingsResponse> out) {
            out.onNext(SyncBindingsResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> out) {
            // never answers
        }

        @Override
        public void watchEvents(WatchEventsRequest request, StreamObserver<AgentEvent> out) {
            // the stream stays open
        }
    }
}
