package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentClientFactory;
import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.agent.GrpcAgentClient;
import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.MirrorEvent;
import org.mirrortunnel.app.api.MirrorListener;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorStore;
import org.onlab.util.Tools;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.cluster.ClusterService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.net.config.NetworkConfigListener;
import org.onosproject.net.config.NetworkConfigService;
import org.onosproject.net.intent.WorkPartitionEventListener;
import org.onosproject.net.intent.WorkPartitionService;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;

import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.mirrortunnel.app.impl.OsgiPropertyConstants.CALL_TIMEOUT_MILLIS;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.CALL_TIMEOUT_MILLIS_DEFAULT;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.RECONNECT_SECONDS;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.RECONNECT_SECONDS_DEFAULT;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.STATS_SECONDS;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.STATS_SECONDS_DEFAULT;
import static org.onlab.util.Tools.groupedThreads;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * Programs the host agents this node owns. Each agent in the network config belongs to one node of the
 * cluster (ONOS's work partitions); only that node talks to it, follows its events and writes the state of
 * the sessions on its host. Ownership is re-evaluated when the partitions or the network config change. Each
 * agent's calls run on a lane of its own (see {@link AgentConnection}).
 */
@Component(immediate = true,
        property = {
                RECONNECT_SECONDS + ":Integer=" + RECONNECT_SECONDS_DEFAULT,
                STATS_SECONDS + ":Integer=" + STATS_SECONDS_DEFAULT,
                CALL_TIMEOUT_MILLIS + ":Integer=" + CALL_TIMEOUT_MILLIS_DEFAULT
        })
public class AgentProgrammer {
    private static final Function<String, Long> HASH = s -> (long) s.hashCode();

    private final Logger log = getLogger(getClass());

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MirrorStore store;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MirrorService mirrorService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected NetworkConfigService netcfgService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected WorkPartitionService workPartitionService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ClusterService clusterService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected CoreService coreService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ComponentConfigService cfgService;

    /** Seconds between attempts to reach a lost agent. */
    private volatile int reconnectSeconds = RECONNECT_SECONDS_DEFAULT;
    /** Seconds between counter reads. */
    private int statsSeconds = STATS_SECONDS_DEFAULT;
    /** Deadline of each call to an agent, read at every call. */
    private volatile int callTimeoutMillis = CALL_TIMEOUT_MILLIS_DEFAULT;

    /** Opens agent clients; tests put their own here. */
    protected AgentClientFactory clientFactory;

    private ApplicationId appId;
    /** Runs this node's bookkeeping (which agents it owns, what to ask of them) and the timers; never a call. */
    private ScheduledExecutorService control;
    private ScheduledFuture<?> statsTask;
    private final Map<String, AgentConnection> connections = new HashMap<>();
    private final MirrorListener sessionListener = event -> control.execute(() -> sessionChanged(event));
    private final NetworkConfigListener configListener = new AgentsConfigListener(this::reconcileLater);
    private final WorkPartitionEventListener partitionListener = event -> reconcileLater();

    @Activate
    protected void activate(ComponentContext context) {
        appId = coreService.registerApplication(MirrorManager.APP_NAME);
        cfgService.registerProperties(getClass());
        control = Executors.newSingleThreadScheduledExecutor(groupedThreads("mirror-tunnel", "agents-%d", log));
        if (clientFactory == null) {
            clientFactory = GrpcAgentClient.factory(() -> callTimeoutMillis);
        }
        modified(context);
        mirrorService.addListener(sessionListener);
        netcfgService.addListener(configListener);
        workPartitionService.addListener(partitionListener);
        reconcileLater();
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        workPartitionService.removeListener(partitionListener);
        netcfgService.removeListener(configListener);
        mirrorService.removeListener(sessionListener);
        Tools.futureGetOrElse(control.submit(() -> {
            connections.values().forEach(AgentConnection::close);
            connections.clear();
        }), callTimeoutMillis, TimeUnit.MILLISECONDS, null);
        control.shutdownNow();
        cfgService.unregisterProperties(getClass(), false);
        log.info("Stopped");
    }

    /**
     * Applies the component config at once: the stats period, the call deadline, the reconnection delay.
     *
     * @param context the component's context, with its properties
     */
    @Modified
    protected void modified(ComponentContext context) {
        Dictionary<?, ?> p = context == null ? null : context.getProperties();
        if (p != null) {
            reconnectSeconds = Tools.getIntegerProperty(p, RECONNECT_SECONDS, reconnectSeconds);
            statsSeconds = Tools.getIntegerProperty(p, STATS_SECONDS, statsSeconds);
            callTimeoutMillis = Tools.getIntegerProperty(p, CALL_TIMEOUT_MILLIS, callTimeoutMillis);
        }
        int period = statsSeconds;
        control.execute(() -> {
            if (statsTask != null) {
                statsTask.cancel(false);
            }
            statsTask = control.scheduleWithFixedDelay(this::pollStats, period, period, TimeUnit.SECONDS);
        });
        log.info("Stats every {} s, calls give up after {} ms, reconnection after {} s", statsSeconds,
                callTimeoutMillis, reconnectSeconds);
    }

    /**
     * Returns the agents this node programs now.
     *
     * @return agent ids
     */
    public Set<String> ownedAgents() {
        return Tools.futureGetOrElse(control.submit(() -> new HashSet<>(connections.keySet())),
                callTimeoutMillis, TimeUnit.MILLISECONDS, Set.of());
    }

    private void reconcileLater() {
        control.execute(this::reconcile);
    }

    /** Opens connections to the configured agents this node owns and closes the others. */
    private void reconcile() {
        MirrorAgentsConfig config = netcfgService.getConfig(appId, MirrorAgentsConfig.class);
        Map<String, AgentEndpoint> wanted = new HashMap<>();
        if (config != null) {
            for (AgentEndpoint e : config.agents()) {
                if (workPartitionService.isMine(e.agentId(), HASH)) {
                    wanted.put(e.agentId(), e);
                }
            }
        }
        connections.entrySet().removeIf(c -> {
            boolean stale = !Objects.equals(wanted.get(c.getKey()), c.getValue().endpoint());
            if (stale) {
                c.getValue().close();
            }
            return stale;
        });
        wanted.forEach((id, endpoint) -> connections.computeIfAbsent(id, k -> {
            AgentConnection c = new AgentConnection(endpoint, clusterService.getLocalNode().id().id(), store,
                    clientFactory, control, () -> reconnectSeconds * 1000L);
            c.start();
            return c;
        }));
    }

    private void sessionChanged(MirrorEvent event) {
        MirrorSession session = event.subject();
        MirrorSession before = event.previous();
        switch (event.type()) {
            case SESSION_ADDED:
                session.agents().forEach(a -> connection(a).ifPresent(c -> c.apply(session)));
                break;
            case SESSION_UPDATED:
                before.agents().stream().filter(a -> !session.agents().contains(a))
                        .forEach(a -> connection(a).ifPresent(c -> c.remove(session.id())));
                boolean onlyAdmin = before.toBuilder().adminState(session.adminState()).updated(session.updated())
                        .hostStates(session.hostStates()).build().equals(session);
                for (String a : session.agents()) {
                    connection(a).ifPresent(c -> {
                        if (onlyAdmin) {
                            c.setEnabled(session, session.adminState() == AdminState.ENABLED);
                        } else {
                            c.apply(session);
                        }
                    });
                }
                break;
            case SESSION_REMOVED:
                session.agents().forEach(a -> connection(a).ifPresent(c -> c.remove(session.id())));
                break;
            default:
                break;
        }
    }

    private Optional<AgentConnection> connection(String agentId) {
        return Optional.ofNullable(connections.get(agentId));
    }

    private void pollStats() {
        List.copyOf(connections.values()).forEach(AgentConnection::pollStats);
    }
}
