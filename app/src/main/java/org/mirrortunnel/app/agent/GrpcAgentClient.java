package org.mirrortunnel.app.agent;

import com.google.common.net.HostAndPort;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.PickFirstLoadBalancerProvider;
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
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * An agent client over gRPC (Netty), with mutual TLS unless the endpoint says plaintext.
 */
public final class GrpcAgentClient implements AgentClient {
    /**
     * The balancer every channel uses by default. gRPC looks it up in a registry it fills through ServiceLoader,
     * which does not see across OSGi bundles; clients register this one while they are open.
     */
    private static final PickFirstLoadBalancerProvider PICK_FIRST = new PickFirstLoadBalancerProvider();
    private static int openClients;

    private final ManagedChannel channel;
    private final MirrorAgentGrpc.MirrorAgentBlockingStub blocking;
    private final MirrorAgentGrpc.MirrorAgentStub async;
    private final LongSupplier deadlineMillis;
    private final String agentId;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GrpcAgentClient(String agentId, ManagedChannel channel, LongSupplier deadlineMillis) {
        this.agentId = agentId;
        this.channel = channel;
        this.blocking = MirrorAgentGrpc.newBlockingStub(channel);
        this.async = MirrorAgentGrpc.newStub(channel);
        this.deadlineMillis = deadlineMillis;
    }

    /**
     * Returns a factory of gRPC clients whose calls give up after the time the supplier gives at each call.
     *
     * @param deadlineMillis deadline of each blocking call, read at every call
     * @return client factory
     */
    public static AgentClientFactory factory(LongSupplier deadlineMillis) {
        return endpoint -> {
            usingBalancer(1);
            try {
                return new GrpcAgentClient(endpoint.agentId(), channel(endpoint), deadlineMillis);
            } catch (RuntimeException e) {
                usingBalancer(-1);
                throw e;
            }
        };
    }

    private static synchronized void usingBalancer(int change) {
        openClients += change;
        if (openClients == change && change > 0) {
            LoadBalancerRegistry.getDefaultRegistry().register(PICK_FIRST);
        } else if (openClients == 0) {
            LoadBalancerRegistry.getDefaultRegistry().deregister(PICK_FIRST);
        }
    }

    /**
     * A channel to the agent's socket address: a direct address needs no name resolver from gRPC's global
     * registry (the host name is resolved here, again on each reconnection) and its authority is the host
     * name, which TLS checks against the agent's certificate.
     */
    private static ManagedChannel channel(AgentEndpoint endpoint) {
        HostAndPort address;
        try {
            address = HostAndPort.fromString(endpoint.address());
        } catch (IllegalArgumentException e) {
            address = null;
        }
        if (address == null || !address.hasPort()) {
            throw new AgentException("agent " + endpoint.agentId() + ": address '" + endpoint.address()
                    + "' is not host:port", null);
        }
        NettyChannelBuilder builder = NettyChannelBuilder
                .forAddress(new InetSocketAddress(address.getHost(), address.getPort()));
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
        return blocking.withDeadlineAfter(deadlineMillis.getAsLong(), TimeUnit.MILLISECONDS);
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
            call("RemoveBinding", () -> stub().removeBinding(RemoveBindingRequest.newBuilder().setId(id).build()));
        } catch (AgentException e) {
            if (e.code() != Status.Code.NOT_FOUND) {
                throw e;
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
        if (closed.compareAndSet(false, true)) {
            channel.shutdownNow();
            usingBalancer(-1);
        }
    }
}
