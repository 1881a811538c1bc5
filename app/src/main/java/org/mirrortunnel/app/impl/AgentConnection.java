package org.mirrortunnel.app.impl;

import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingStats;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.app.agent.AgentClient;
import org.mirrortunnel.app.agent.AgentClientFactory;
import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.agent.Bindings;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.VfId;
import org.slf4j.Logger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * This node's link to one agent it owns. On (re)connection it reads the inventory, sends the full desired
 * set of bindings and follows the agent's events; when the agent is lost, the sessions on its host turn
 * DEGRADED and a reconnection is scheduled. All work runs on the programmer's executor.
 */
final class AgentConnection {
    private final Logger log = getLogger(getClass());

    private final AgentEndpoint endpoint;
    private final String localNode;
    private final MirrorStore store;
    private final AgentClientFactory factory;
    private final ScheduledExecutorService executor;
    private final long reconnectMillis;

    private AgentClient client;
    private boolean closed;
    /** Counts connections, so that the end of an old event stream is told from the current one's. */
    private int generation;

    AgentConnection(AgentEndpoint endpoint, String localNode, MirrorStore store, AgentClientFactory factory,
                    ScheduledExecutorService executor, long reconnectMillis) {
        this.endpoint = endpoint;
        this.localNode = localNode;
        this.store = store;
        this.factory = factory;
        this.executor = executor;
        this.reconnectMillis = reconnectMillis;
    }

    AgentEndpoint endpoint() {
        return endpoint;
    }

    /** Connects, syncs and starts following events; on failure, marks the agent lost and retries later. */
    void connect() {
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
            c.watch(event -> executor.execute(() -> onEvent(event)),
                    error -> executor.execute(() -> {
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

    /** Sends every binding this agent should hold, removing the others, and records their states. */
    void sync() {
        List<Binding> desired = store.getSessions().stream()
                .filter(s -> s.agents().contains(endpoint.agentId()))
                .map(s -> Bindings.forAgent(s, endpoint.agentId()))
                .collect(Collectors.toList());
        client.sync(desired).getAppliedList().forEach(this::record);
    }

    /**
     * Applies a session's binding (created or changed) on this agent.
     *
     * @param session the session
     */
    void apply(MirrorSession session) {
        call(() -> record(client.apply(Bindings.forAgent(session, endpoint.agentId()))));
    }

    /**
     * Removes a session's binding from this agent.
     *
     * @param id the session's id
     */
    void remove(MirrorSessionId id) {
        call(() -> client.remove(id.id()));
    }

    /**
     * Switches a session on or off on this agent; nothing else changes.
     *
     * @param id      the session's id
     * @param enabled on or off
     */
    void setEnabled(MirrorSessionId id, boolean enabled) {
        call(() -> record(client.setEnabled(id.id(), enabled)));
    }

    /** Reads the counters of every binding into the sessions' host states. */
    void pollStats() {
        call(() -> client.stats().getBindingsList().forEach(this::recordStats));
    }

    private void call(Runnable rpc) {
        if (client == null) {
            return; // the sync on reconnection brings the agent up to date
        }
        try {
            rpc.run();
        } catch (RuntimeException e) {
            lost(e);
        }
    }

    void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private void onEvent(AgentEvent event) {
        if (event.getEventCase() == AgentEvent.EventCase.BINDING
                && event.getBinding().getState() != BindingState.REMOVED) {
            record(event.getBinding());
        } else if (event.getEventCase() == AgentEvent.EventCase.ERROR) {
            log.warn("Agent {}: {}", endpoint.agentId(), event.getError());
        }
    }

    private void record(BindingStatus status) {
        sessionOf(status.getId()).ifPresent(s -> {
            HostState before = s.hostStates().get(endpoint.agentId());
            MirrorCounters counters = before == null ? MirrorCounters.ZERO : before.counters();
            store.updateHostState(s.id(), endpoint.agentId(),
                    new HostState(Bindings.operState(status.getState()), status.getMessage(), counters));
        });
    }

    private void recordStats(BindingStats stats) {
        sessionOf(stats.getId()).ifPresent(s -> {
            HostState before = s.hostStates().get(endpoint.agentId());
            HostState state = before != null ? before
                    : new HostState(Bindings.operState(stats.getState()), "", MirrorCounters.ZERO);
            store.updateHostState(s.id(), endpoint.agentId(), state.withCounters(Bindings.counters(stats.getTap())));
        });
    }

    private Optional<MirrorSession> sessionOf(String bindingId) {
        return store.getSessions().stream().filter(s -> s.id().id().equals(bindingId)).findFirst();
    }

    private void lost(Throwable error) {
        if (client != null) {
            client.close();
            client = null;
        }
        if (closed) {
            return;
        }
        String message = "agent unreachable: " + error.getMessage();
        log.warn("Agent {}: {}", endpoint, message);
        AgentStatus known = store.getAgent(endpoint.agentId()).orElse(
                new AgentStatus(endpoint.agentId(), endpoint.address(), localNode, false, "", "", List.of(), ""));
        store.putAgent(known.disconnected(message));
        for (MirrorSession s : store.getSessions()) {
            if (s.agents().contains(endpoint.agentId())) {
                HostState before = s.hostStates().get(endpoint.agentId());
                store.updateHostState(s.id(), endpoint.agentId(), new HostState(OperState.DEGRADED, message,
                        before == null ? MirrorCounters.ZERO : before.counters()));
            }
        }
        executor.schedule(this::connect, reconnectMillis, TimeUnit.MILLISECONDS);
    }

    private AgentStatus status(AgentInfo info) {
        List<AgentVf> vfs = info.getPfsList().stream().flatMap(pf -> pf.getVfsList().stream())
                .filter(vf -> vf.getRole() == VfRole.TUNNEL || vf.getRole() == VfRole.MONITOR)
                .map(vf -> new AgentVf(new VfId(vf.getRef().getPf(), vf.getRef().getVf()),
                        vf.getRole() == VfRole.TUNNEL ? AgentVf.Role.TUNNEL : AgentVf.Role.MONITOR,
                        vf.getNetns(), vf.getIfname(), vf.getMac()))
                .collect(Collectors.toList());
        return new AgentStatus(endpoint.agentId(), endpoint.address(), localNode, true, info.getVersion(),
                info.getNicDriver(), vfs, "");
    }
}
