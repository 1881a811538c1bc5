package org.mirrortunnel.app.agent;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.ApplyBindingRequest;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.GetInfoRequest;
import org.mirrortunnel.agent.api.v1.GetStatsRequest;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.MirrorAgentGrpc;
import org.mirrortunnel.agent.api.v1.RemoveBindingRequest;
import org.mirrortunnel.agent.api.v1.SetEnabledRequest;
import org.mirrortunnel.agent.api.v1.SyncBindingsRequest;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.api.v1.WatchEventsRequest;

import javax.net.ssl.SSLException;
import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An agent client over gRPC (Netty), with mutual TLS unless the endpoint says plaintext.
 */
public final class GrpcAgentClient implements AgentClient {
    private final ManagedChannel channel;
    private final MirrorAgentGrpc.MirrorAgentBlockingStub blocking;
    private final MirrorAgentGrpc.MirrorAgentStub async;
    private final long deadlineMillis;
    private final String agentId;

    private GrpcAgentClient(String agentId, ManagedChannel channel, long deadlineMillis) {
        this.agentId = agentId;
        this.channel = channel;
        this.blocking = MirrorAgentGrpc.newBlockingStub(channel);
        this.async = MirrorAgentGrpc.newStub(channel);
        this.deadlineMillis = deadlineMillis;
    }

    /**
     * Returns a factory of gRPC clients whose calls give up after the given time.
     *
     * @param deadlineMillis deadline of each blocking call
     * @return client factory
     */
    public static AgentClientFactory factory(long deadlineMillis) {
        return endpoint -> new GrpcAgentClient(endpoint.agentId(), channel(endpoint), deadlineMillis);
    }

    private static ManagedChannel channel(AgentEndpoint endpoint) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(endpoint.address());
        if (endpoint.plaintext()) {
            return builder.usePlaintext().build();
        }
        try {
            return builder.sslContext(GrpcSslContexts.forClient()
                    .trustManager(new File(endpoint.caFile()))
                    .keyManager(new File(endpoint.certFile()), new File(endpoint.keyFile()))
                    .build()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new AgentException("agent " + endpoint.agentId() + ": cannot load TLS files: " + e.getMessage(), e);
        }
    }

    private MirrorAgentGrpc.MirrorAgentBlockingStub stub() {
        return blocking.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    private <T> T call(String what, Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            throw new AgentException("agent " + agentId + " " + what + ": " + s.getCode()
                    + (s.getDescription() == null ? "" : " " + s.getDescription()), e);
        }
    }

    @Override
    public AgentInfo getInfo() {
        return call("GetInfo", () -> stub().getInfo(GetInfoRequest.getDefaultInstance()));
    }

    @Override
    public SyncBindingsResponse sync(List<Binding> bindings) {
        return call("SyncBindings", () -> stub().syncBindings(
                SyncBindingsRequest.newBuilder().addAllBindings(bindings).build()));
    }

    @Override
    public BindingStatus apply(Binding binding) {
        return call("ApplyBinding", () -> stub().applyBinding(
                ApplyBindingRequest.newBuilder().setBinding(binding).build()));
    }

    @Override
    public void remove(String id) {
        try {
            stub().removeBinding(RemoveBindingRequest.newBuilder().setId(id).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw new AgentException("agent " + agentId + " RemoveBinding: " + e.getStatus(), e);
            }
        }
    }

    @Override
    public BindingStatus setEnabled(String id, boolean enabled) {
        return call("SetEnabled", () -> stub().setEnabled(
                SetEnabledRequest.newBuilder().setId(id).setEnabled(enabled).build()));
    }

    @Override
    public GetStatsResponse stats() {
        return call("GetStats", () -> stub().getStats(GetStatsRequest.getDefaultInstance()));
    }

    @Override
    public void watch(Consumer<AgentEvent> onEvent, Consumer<Throwable> onEnd) {
        async.watchEvents(WatchEventsRequest.getDefaultInstance(), new StreamObserver<AgentEvent>() {
            @Override
            public void onNext(AgentEvent event) {
                onEvent.accept(event);
            }

            @Override
            public void onError(Throwable t) {
                onEnd.accept(t);
            }

            @Override
            public void onCompleted() {
                onEnd.accept(new AgentException("agent " + agentId + " ended its event stream", null));
            }
        });
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
