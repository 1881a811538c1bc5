package org.mirrortunnel.agent.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.ApplyBindingRequest;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.GetInfoRequest;
import org.mirrortunnel.agent.api.v1.GetStatsRequest;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.MirrorAgentGrpc;
import org.mirrortunnel.agent.api.v1.RemoveBindingRequest;
import org.mirrortunnel.agent.api.v1.RemoveBindingResponse;
import org.mirrortunnel.agent.api.v1.SetEnabledRequest;
import org.mirrortunnel.agent.api.v1.SyncBindingsRequest;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.api.v1.WatchEventsRequest;
import org.mirrortunnel.agent.core.BindingManager;
import org.mirrortunnel.agent.core.StatsCollector;

/** The MirrorAgent gRPC service: each call maps to the binding manager; errors travel as gRPC status. */
public final class AgentService extends MirrorAgentGrpc.MirrorAgentImplBase {
    static final int MAX_DESCRIPTION = 2048;
    private final BindingManager bindings;
    private final StatsCollector stats;
    private final Supplier<AgentInfo> info;

    public AgentService(BindingManager bindings, StatsCollector stats, Supplier<AgentInfo> info) {
        this.bindings = bindings;
        this.stats = stats;
        this.info = info;
    }

    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<AgentInfo> out) {
        answer(out, info);
    }

    @Override
    public void applyBinding(ApplyBindingRequest request, StreamObserver<BindingStatus> out) {
        answer(out, () -> bindings.apply(request.getBinding()));
    }

    @Override
    public void removeBinding(RemoveBindingRequest request, StreamObserver<RemoveBindingResponse> out) {
        answer(out, () -> {
            bindings.remove(request.getId());
            return RemoveBindingResponse.newBuilder().setId(request.getId()).build();
        });
    }

    @Override
    public void syncBindings(SyncBindingsRequest request, StreamObserver<SyncBindingsResponse> out) {
        answer(out, () -> bindings.sync(request.getBindingsList()));
    }

    @Override
    public void setEnabled(SetEnabledRequest request, StreamObserver<BindingStatus> out) {
        answer(out, () -> bindings.setEnabled(request.getId(), request.getEnabled()));
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> out) {
        answer(out, () -> stats.collect(request.getId()));
    }

    @Override
    public void watchEvents(WatchEventsRequest request, StreamObserver<AgentEvent> out) {
        ServerCallStreamObserver<AgentEvent> call = (ServerCallStreamObserver<AgentEvent>) out;
        Runnable[] unsubscribe = new Runnable[1];
        call.setOnCancelHandler(() -> {
            if (unsubscribe[0] != null) {
                unsubscribe[0].run();
            }
        });
        unsubscribe[0] = bindings.watch(event -> {
            synchronized (call) {
                if (call.isCancelled()) {
                    throw new IllegalStateException("stream cancelled");
                }
                call.onNext(event);
            }
        });
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (StatusRuntimeException e) {
            out.onError(e.getStatus().withDescription(cut(e.getStatus().getDescription())).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            out.onError(Status.INTERNAL.withDescription(cut(e.toString())).asRuntimeException());
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    /**
     * A status description travels in a trailer, which a client refuses past 8 KiB (it then sees INTERNAL).
     * Messages quote values cut short already; this bounds what a host program may have printed.
     */
    static String cut(String description) {
        return description == null || description.length() <= MAX_DESCRIPTION ? description
                : description.substring(0, MAX_DESCRIPTION) + "... (cut)";
    }
}
