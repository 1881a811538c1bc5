package org.mirrortunnel.app.impl;

import io.grpc.Status;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingStats;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.app.agent.AgentClient;
import org.mirrortunnel.app.agent.AgentClientFactory;
import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.agent.AgentException;
import org.mirrortunnel.app.agent.Bindings;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.VfId;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import static org.onlab.util.Tools.groupedThreads;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * This node's link to one agent it owns, with its own lane: one thread that makes the agent's calls in the
 * order they were asked for, so that a slow or unreachable agent delays no other. The lane is bounded: when it
 * overflows, what is queued is dropped and the agent is synced with its whole desired set instead. On
 * (re)connection the link reads the inventory, syncs and follows the agent's events. Connection-level failures
 * mark the agent lost (its sessions DEGRADED) and schedule a reconnection; any other error is the agent's
 * answer and marks the binding concerned FAILED with the agent's message.
 */
final class AgentConnection {
    /** Calls a lane holds at most. */
    static final int LANE_CAPACITY = 128;

    private final Logger log = getLogger(getClass());

    private final AgentEndpoint endpoint;
    private final String agentId;
    private final String localNode;
    private final MirrorStore store;
    private final AgentClientFactory factory;
    private final ScheduledExecutorService timers;
    private final LongSupplier reconnectMillis;
    private final ThreadPoolExecutor lane;
    private final AtomicBoolean resyncWanted = new AtomicBoolean();
    private final AtomicBoolean statsQueued = new AtomicBoolean();

    private volatile AgentClient client;
    private volatile boolean closed;
    /** Counts connections, so that the end of an old event stream is told from the current one's. */
    private int generation;

    AgentConnection(AgentEndpoint endpoint, String localNode, MirrorStore store, AgentClientFactory factory,
                    ScheduledExecutorService timers, LongSupplier reconnectMillis) {
        this.endpoint = endpoint;
        this.agentId = endpoint.agentId();
        this.localNode = localNode;
        this.store = store;
        this.factory = factory;
        this.timers = timers;
        this.reconnectMillis = reconnectMillis;
        this.lane = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(LANE_CAPACITY),
                groupedThreads("mirror-tunnel", "agent-" + agentId + "-%d", log), (task, pool) -> {
                    if (!pool.isShutdown()) {
                        resyncWanted.set(true);
                    }
                });
    }

    AgentEndpoint endpoint() {
        return endpoint;
    }

    /** Queues a call on the lane; after an overflow, the next call first drops the queue and resyncs. */
    private void submit(Runnable task) {
        lane.execute(() -> {
            if (resyncWanted.getAndSet(false)) {
                lane.getQueue().clear();
                statsQueued.set(false);
                log.warn("Agent {}: more than {} calls queued, syncing its whole desired set instead", agentId,
                        LANE_CAPACITY);
                if (client == null) {
                    connect();
                } else {
                    call(null, this::sync);
                }
            }
            task.run();
        });
    }

    /** Connects, syncs and starts following events, on the lane; on failure, retries later. */
    void start() {
        submit(this::connect);
    }

    private void connect() {
        if (closed || client != null) {
            return;
        }
        AgentClient c = null;
        try {
            c = factory.open(endpoint);
            AgentInfo info = c.getInfo();
            store.putAgent(status(info));
            client = c;
            generation++;
            int current = generation;
            sync();
            c.watch(event -> submit(() -> onEvent(event)), error -> submit(() -> {
                if (current == generation) {
                    lost(error);
                }
            }));
            log.info("Agent {} connected and synced", endpoint);
        } catch (RuntimeException e) {
            if (client == null && c != null) {
                c.close();
            }
            lost(e);
        }
    }

    /**
     * Sends every binding this agent should hold, removing the others, and records their states. When the agent
     * refuses the set as a whole (a binding it finds invalid), each binding is tried alone: the refused ones are
     * FAILED with the agent's message and the others are synced.
     */
    private void sync() {
        List<Binding> desired = store.getSessions().stream().filter(s -> s.agents().contains(agentId))
                .map(s -> Bindings.forAgent(s, agentId)).collect(Collectors.toList());
        SyncBindingsResponse synced;
        try {
            synced = client.sync(desired);
        } catch (AgentException e) {
            if (e.unreachable()) {
                throw e;
            }
            List<Binding> accepted = new ArrayList<>();
            for (Binding b : desired) {
                try {
                    record(client.apply(b));
                    accepted.add(b);
                } catch (AgentException refused) {
                    if (refused.code() != Status.Code.INVALID_ARGUMENT) {
                        throw refused;
                    }
                    failed(b.getId(), refused);
                }
            }
            synced = client.sync(accepted);
        }
        synced.getAppliedList().forEach(this::record);
    }

    /**
     * Applies a session's binding (created or changed) on this agent.
     *
     * @param session the session
     */
    void apply(MirrorSession session) {
        submit(() -> call(session.id().id(), () -> record(client.apply(Bindings.forAgent(session, agentId)))));
    }

    /**
     * Removes a session's binding from this agent.
     *
     * @param id the session's id
     */
    void remove(MirrorSessionId id) {
        submit(() -> call(id.id(), () -> client.remove(id.id())));
    }

    /**
     * Switches a session on or off on this agent; an agent that lacks the binding gets it whole.
     *
     * @param session the session, with its new admin state
     * @param enabled on or off
     */
    void setEnabled(MirrorSession session, boolean enabled) {
        submit(() -> call(session.id().id(), () -> {
            try {
                record(client.setEnabled(session.id().id(), enabled));
            } catch (AgentException e) {
                if (e.code() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                record(client.apply(Bindings.forAgent(session, agentId)));
            }
        }));
    }

    /** Reads the counters of every binding into the sessions' host states, unless a read is already queued. */
    void pollStats() {
        if (statsQueued.compareAndSet(false, true)) {
            submit(() -> {
                statsQueued.set(false);
                call(null, () -> client.stats().getBindingsList().forEach(this::recordStats));
            });
        }
    }

    /** Makes one call, if connected; the sync on reconnection brings the agent up to date otherwise. */
    private void call(String bindingId, Runnable rpc) {
        if (client == null) {
            return;
        }
        try {
            rpc.run();
        } catch (AgentException e) {
            if (e.unreachable()) {
                lost(e);
            } else if (bindingId != null) {
                failed(bindingId, e);
            } else {
                log.warn("Agent {}: {}", agentId, e.getMessage());
            }
        }
    }

    /** Stops the lane (a call under way is interrupted) and closes the client. */
    void close() {
        closed = true;
        lane.shutdownNow();
        try {
            lane.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AgentClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
    }

    private void onEvent(AgentEvent event) {
        if (event.getEventCase() == AgentEvent.EventCase.BINDING
                && event.getBinding().getState() != BindingState.REMOVED) {
            record(event.getBinding());
        } else if (event.getEventCase() == AgentEvent.EventCase.ERROR) {
            log.warn("Agent {}: {}", agentId, event.getError());
        }
    }

    private void record(BindingStatus status) {
        sessionOf(status.getId()).ifPresent(s -> store.updateHostState(s.id(), agentId,
                new HostState(Bindings.operState(status.getState()), status.getMessage(), counters(s))));
    }

    private void failed(String bindingId, AgentException e) {
        log.warn("Agent {} refused binding {}: {}", agentId, bindingId, e.agentMessage());
        sessionOf(bindingId).ifPresent(s -> store.updateHostState(s.id(), agentId,
                new HostState(OperState.FAILED, e.agentMessage(), counters(s))));
    }

    private void recordStats(BindingStats stats) {
        sessionOf(stats.getId()).ifPresent(s -> {
            HostState before = s.hostStates().get(agentId);
            HostState state = before != null ? before
                    : new HostState(Bindings.operState(stats.getState()), "", MirrorCounters.ZERO);
            store.updateHostState(s.id(), agentId, state.withCounters(Bindings.counters(stats)));
        });
    }

    private MirrorCounters counters(MirrorSession s) {
        HostState before = s.hostStates().get(agentId);
        return before == null ? MirrorCounters.ZERO : before.counters();
    }

    private Optional<MirrorSession> sessionOf(String bindingId) {
        try {
            return store.getSession(MirrorSessionId.of(bindingId));
        } catch (MirrorException e) {
            return Optional.empty();
        }
    }

    private void lost(Throwable error) {
        generation++; // the closed channel's own errors must not count as a second loss
        AgentClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        if (closed) {
            return;
        }
        String message = "agent unreachable: " + error.getMessage();
        log.warn("Agent {}: {}", endpoint, message);
        AgentStatus known = store.getAgent(agentId).orElse(
                new AgentStatus(agentId, endpoint.address(), localNode, false, "", "", List.of(), ""));
        store.putAgent(known.disconnected(message));
        for (MirrorSession s : store.getSessions()) {
            if (s.agents().contains(agentId)) {
                store.updateHostState(s.id(), agentId, new HostState(OperState.DEGRADED, message, counters(s)));
            }
        }
        timers.schedule(() -> submit(this::connect), reconnectMillis.getAsLong(), TimeUnit.MILLISECONDS);
    }

    private AgentStatus status(AgentInfo info) {
        List<AgentVf> vfs = info.getPfsList().stream().flatMap(pf -> pf.getVfsList().stream())
                .filter(vf -> vf.getRole() == VfRole.TUNNEL || vf.getRole() == VfRole.MONITOR)
                .map(vf -> new AgentVf(new VfId(vf.getRef().getPf(), vf.getRef().getVf()),
                        vf.getRole() == VfRole.TUNNEL ? AgentVf.Role.TUNNEL : AgentVf.Role.MONITOR,
                        vf.getNetns(), vf.getIfname(), vf.getMac()))
                .collect(Collectors.toList());
        return new AgentStatus(agentId, endpoint.address(), localNode, true, info.getVersion(),
                info.getNicDriver(), vfs, "");
    }
}
