package org.mirrortunnel.agent.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.ApplyBindingRequest;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.GetInfoRequest;
import org.mirrortunnel.agent.api.v1.GetStatsRequest;
import org.mirrortunnel.agent.api.v1.MirrorAgentGrpc;
import org.mirrortunnel.agent.api.v1.RemoveBindingRequest;
import org.mirrortunnel.agent.api.v1.SetEnabledRequest;
import org.mirrortunnel.agent.api.v1.WatchEventsRequest;
import org.mirrortunnel.agent.core.BindingManager;
import org.mirrortunnel.agent.core.Bindings;
import org.mirrortunnel.agent.core.EventHub;
import org.mirrortunnel.agent.core.FakeHost;
import org.mirrortunnel.agent.core.StateStore;
import org.mirrortunnel.agent.core.StatsCollector;
import org.mirrortunnel.agent.core.Validator;
import org.mirrortunnel.agent.metrics.MetricsServer;

/** The service over real gRPC on loopback with mTLS; certificates from tools/mkcerts (openssl). */
class AgentServiceTest {
    @TempDir
    static Path certs;
    @TempDir
    Path state;
    private FakeHost host;
    private Server server;
    private ManagedChannel channel;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).resolve("../../tools/mkcerts").normalize();
        Process p = new ProcessBuilder(script.toString(), certs.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    private String cert(String name) {
        return certs.resolve(name).toString();
    }

    @BeforeEach
    void start() throws IOException {
        host = new FakeHost();
        EventHub events = new EventHub();
        BindingManager manager = new BindingManager(Bindings.INVENTORY, new Validator(Bindings.INVENTORY, 1, 4094),
                host, host, host, new StateStore(state), events);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                TlsFiles.server(cert("agent.pem"), cert("agent.key"), cert("ca.pem")))
                .addService(new AgentService(manager, new StatsCollector(manager, host, host),
                        () -> AgentInfo.newBuilder().setAgentId("test").build()))
                .build().start();
        channel = connect(cert("client.pem"), cert("client.key"));
    }

    private ManagedChannel connect(String clientCert, String clientKey) throws IOException {
        return NettyChannelBuilder.forAddress("localhost", server.getPort(),
                TlsFiles.client(cert("ca.pem"), clientCert, clientKey)).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private MirrorAgentGrpc.MirrorAgentBlockingStub stub(ManagedChannel ch) {
        return MirrorAgentGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientWithACertificateIsServed() {
        assertEquals("test", stub(channel).getInfo(GetInfoRequest.getDefaultInstance()).getAgentId());
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        ManagedChannel anonymous = connect(null, null);
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> stub(anonymous).getInfo(GetInfoRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        } finally {
            anonymous.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientWithACertificateOfAnotherCaIsRefused(@TempDir Path other) throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).resolve("../../tools/mkcerts").normalize();
        assertEquals(0, new ProcessBuilder(script.toString(), other.toString()).start().waitFor());
        ManagedChannel stranger = connect(other.resolve("client.pem").toString(), other.resolve("client.key").toString());
        try {
            assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
                    () -> stub(stranger).getInfo(GetInfoRequest.getDefaultInstance())).getStatus().getCode());
        } finally {
            stranger.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertTrue(host.changes.isEmpty());
    }

    @Test
    void errorsTravelAsStatusCodes() {
        var s = stub(channel);
        StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> s.applyBinding(
                ApplyBindingRequest.newBuilder().setBinding(Bindings.binding("s1", "svc0", 1, 0)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        assertTrue(bad.getStatus().getDescription().startsWith("vlans:"));
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> s.removeBinding(RemoveBindingRequest.newBuilder().setId("nope").build())).getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> s.setEnabled(SetEnabledRequest.newBuilder().setId("nope").build())).getStatus().getCode());
        host.failOn = "attach";
        StatusRuntimeException failed = assertThrows(StatusRuntimeException.class, () -> s.applyBinding(
                ApplyBindingRequest.newBuilder().setBinding(Bindings.binding("s1", "svc0", 1, 100)).build()));
        assertEquals(Status.Code.ABORTED, failed.getStatus().getCode());
        assertTrue(failed.getStatus().getDescription().startsWith("step tap attach ns-a/svc0 session 1 failed"));
        assertEquals("{} {} {} {}", host.snapshot());
    }

    @Test
    void aHugeValueIsAnInvalidArgumentWithAShortMessage() {
        var s = stub(channel);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> s.applyBinding(
                ApplyBindingRequest.newBuilder().setBinding(Bindings.binding("x".repeat(9000), "svc0", 1, 100)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().startsWith("id: 'xxx"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().length() < 200);
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> s.removeBinding(RemoveBindingRequest.newBuilder().setId("y".repeat(20_000)).build()))
                .getStatus().getCode());
        assertTrue(host.changes.isEmpty());
    }

    @Test
    void watchStartsWithTheCurrentStateThenFollowsChanges() {
        var s = stub(channel);
        s.applyBinding(ApplyBindingRequest.newBuilder().setBinding(Bindings.binding("s1", "svc0", 1, 100)).build());

        Iterator<AgentEvent> events = MirrorAgentGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .watchEvents(WatchEventsRequest.getDefaultInstance());
        assertEquals(BindingState.ACTIVE, events.next().getBinding().getState());
        s.setEnabled(SetEnabledRequest.newBuilder().setId("s1").setEnabled(false).build());
        assertEquals(BindingState.DISABLED, events.next().getBinding().getState());
    }

    @Test
    void statsAndTheirPrometheusRendering() {
        var s = stub(channel);
        s.applyBinding(ApplyBindingRequest.newBuilder().setBinding(Bindings.binding("s1", "svc0", 1, 100)).build());

        var stats = s.getStats(GetStatsRequest.getDefaultInstance());
        assertEquals(List.of("s1"), stats.getBindingsList().stream().map(b -> b.getId()).toList());
        assertEquals(1, stats.getHostTap().getMirrored(), "FakeHost counts a session's id as its copies");
        String text = MetricsServer.render(stats);
        assertTrue(text.contains("mirror_tap_packets_total{binding=\"s1\",outcome=\"mirrored\"} 1\n"), text);
        assertTrue(text.contains("mirror_vf_packets_total{binding=\"s1\",role=\"monitor\",pf=\"pf0\",vf=\"2\",dir=\"rx\"} 1"),
                text);
    }
}
