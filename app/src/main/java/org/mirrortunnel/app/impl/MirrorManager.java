package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorEvent;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorListener;
import org.mirrortunnel.app.api.MirrorResource;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.MirrorStoreDelegate;
import org.mirrortunnel.app.api.VlanRange;
import org.onlab.util.Tools;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.event.AbstractListenerManager;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.NetworkConfigListener;
import org.onosproject.net.config.NetworkConfigRegistry;
import org.onosproject.net.config.basics.SubjectFactories;
import org.onosproject.net.host.HostService;
import org.onosproject.net.intent.IntentListener;
import org.onosproject.net.intent.IntentService;
import org.onosproject.net.intent.WorkPartitionEventListener;
import org.onosproject.net.intent.WorkPartitionService;
import org.onosproject.store.service.Versioned;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.mirrortunnel.app.api.MirrorException.Reason.CONFLICT;
import static org.mirrortunnel.app.api.MirrorException.Reason.NOT_FOUND;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.VLAN_POOL;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.VLAN_POOL_DEFAULT;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * Creates and changes mirror sessions: checks the request, resolves its endpoints, claims its name, VLANs and
 * tunnel VFs and stores it with a versioned write. Keeps the remote-delivery intents of the sessions this node
 * owns (ONOS's work partitions) exactly what they need: on activation, on every change of a session, of the
 * work partitions or of the agents' network config; withdraws them on deactivation.
 */
@Component(immediate = true, service = {MirrorService.class, MirrorAdminService.class},
        property = {VLAN_POOL + "=" + VLAN_POOL_DEFAULT})
public class MirrorManager extends AbstractListenerManager<MirrorEvent, MirrorListener>
        implements MirrorAdminService {

    /** The app's name, as in app.xml. */
    public static final String APP_NAME = "org.mirrortunnel.app";

    /** How often a change of a session starts again after a concurrent change of the same session. */
    static final int UPDATE_ATTEMPTS = 10;

    private static final Function<String, Long> HASH = s -> (long) s.hashCode();

    private final Logger log = getLogger(getClass());

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MirrorStore store;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected CoreService coreService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ComponentConfigService cfgService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected HostService hostService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected NetworkConfigRegistry netcfgRegistry;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected IntentService intentService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected WorkPartitionService workPartitionService;

    /** VLAN pool sessions draw from, "first-last". */
    private String vlanPool = VLAN_POOL_DEFAULT;

    private volatile VlanRange pool = VlanRange.parse(VLAN_POOL_DEFAULT);
    private ApplicationId appId;
    private IntentReconciler reconciler;
    private final AtomicLong configVersion = new AtomicLong();
    /** The agents' network config by agent id, as of a version of it. */
    private volatile Map.Entry<Long, Map<String, AgentEndpoint>> endpoints;
    private final MirrorStoreDelegate delegate = this::storeEvent;
    private final WorkPartitionEventListener partitionListener = event -> syncAllIntents();
    private final NetworkConfigListener configListener = new AgentsConfigListener(this::configChanged);
    private final IntentListener intentListener = event -> reconciler.withdrawn(event);
    private final ConfigFactory<ApplicationId, MirrorAgentsConfig> configFactory =
            new ConfigFactory<>(SubjectFactories.APP_SUBJECT_FACTORY, MirrorAgentsConfig.class,
                    MirrorAgentsConfig.KEY) {
                @Override
                public MirrorAgentsConfig createConfig() {
                    return new MirrorAgentsConfig();
                }
            };

    @Activate
    protected void activate(ComponentContext context) {
        appId = coreService.registerApplication(APP_NAME);
        cfgService.registerProperties(getClass());
        netcfgRegistry.registerConfigFactory(configFactory);
        eventDispatcher.addSink(MirrorEvent.class, listenerRegistry);
        modified(context);
        reconciler = new IntentReconciler(appId, intentService, id -> workPartitionService.isMine(id, HASH),
                this::endpoints);
        store.setDelegate(delegate);
        intentService.addListener(intentListener);
        workPartitionService.addListener(partitionListener);
        netcfgRegistry.addListener(configListener);
        syncAllIntents();
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        netcfgRegistry.removeListener(configListener);
        workPartitionService.removeListener(partitionListener);
        intentService.removeListener(intentListener);
        store.unsetDelegate(delegate);
        reconciler.withdrawAll();
        eventDispatcher.removeSink(MirrorEvent.class);
        netcfgRegistry.unregisterConfigFactory(configFactory);
        cfgService.unregisterProperties(getClass(), false);
        log.info("Stopped");
    }

    @Modified
    protected void modified(ComponentContext context) {
        Dictionary<?, ?> properties = context == null ? null : context.getProperties();
        String text = properties == null ? null : Tools.get(properties, VLAN_POOL);
        if (text != null) {
            try {
                pool = VlanRange.parse(text);
                vlanPool = text;
            } catch (MirrorException e) {
                log.warn("Keeping VLAN pool {}: {}", vlanPool, e.getMessage());
            }
        }
        log.info("VLAN pool {}", pool);
    }

    @Override
    public Collection<MirrorSession> getSessions() {
        return store.getSessions();
    }

    @Override
    public Optional<MirrorSession> getSession(MirrorSessionId id) {
        return store.getSession(id);
    }

    @Override
    public Optional<MirrorSession> getSessionByName(String name) {
        return store.getSessionByName(name);
    }

    @Override
    public Collection<AgentStatus> getAgents() {
        return store.getAgents();
    }

    @Override
    public VlanRange vlanPool() {
        return pool;
    }

    @Override
    public MirrorSession createSession(MirrorSession request) {
        MirrorSessionId id = MirrorSessionId.of("ms-" + UUID.randomUUID().toString().substring(0, 13));
        ResourceClaims claims = new ResourceClaims(store, id, null);
        try {
            claimName(claims, request.name());
            MirrorSession resolved = resolve(request.toBuilder().id(id).build(), null, claims);
            List<Integer> vlans = claimVlans(claims, request.vlans(), 1);
            long now = System.currentTimeMillis();
            MirrorSession session = resolved.toBuilder().vlans(vlans).hostStates(Map.of())
                    .created(now).updated(now).build();
            RemoteDelivery.check(session, endpoints());
            return store.createSession(session);
        } catch (RuntimeException e) {
            claims.rollback();
            throw e;
        }
    }

    @Override
    public MirrorSession updateSession(MirrorSession request) {
        return change(request.id(), before -> {
            ResourceClaims claims = new ResourceClaims(store, before.id(), before);
            try {
                claimName(claims, request.name());
                MirrorSession resolved = resolve(request, before, claims);
                List<Integer> wanted = request.vlans().isEmpty() ? before.vlans() : request.vlans();
                List<Integer> vlans = claimVlans(claims, wanted, wanted.size());
                MirrorSession after = resolved.toBuilder().vlans(vlans).adminState(before.adminState())
                        .hostStates(Map.of()).created(before.created()).updated(System.currentTimeMillis()).build();
                RemoteDelivery.check(after, endpoints());
                return new Change(after, claims);
            } catch (RuntimeException e) {
                claims.rollback();
                throw e;
            }
        });
    }

    @Override
    public MirrorSession removeSession(MirrorSessionId id) {
        MirrorSession removed = store.removeSession(id);
        store.release(id, ResourceClaims.resourcesOf(removed));
        return removed;
    }

    @Override
    public MirrorSession enableSession(MirrorSessionId id) {
        return setAdminState(id, AdminState.ENABLED);
    }

    @Override
    public MirrorSession disableSession(MirrorSessionId id) {
        return setAdminState(id, AdminState.DISABLED);
    }

    private MirrorSession setAdminState(MirrorSessionId id, AdminState state) {
        return change(id, before -> new Change(before.adminState() == state ? null
                : before.toBuilder().adminState(state).updated(System.currentTimeMillis()).build(), null));
    }

    /** A new definition computed from the stored one, and the claims it made; no definition: nothing to do. */
    private static final class Change {
        private final MirrorSession after;
        private final ResourceClaims claims;

        Change(MirrorSession after, ResourceClaims claims) {
            this.after = after;
            this.claims = claims;
        }
    }

    /**
     * Changes a stored session with a versioned write: a change computed from a version another call replaced
     * meanwhile is undone and computed again from the new one.
     */
    private MirrorSession change(MirrorSessionId id, Function<MirrorSession, Change> compute) {
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            Versioned<MirrorSession> before = store.getDefinition(id)
                    .orElseThrow(() -> new MirrorException(NOT_FOUND, null, "no session " + id));
            Change change;
            try {
                change = compute.apply(before.value());
            } catch (ResourceClaims.ConcurrentChange e) {
                continue;
            }
            if (change.after == null) {
                return store.getSession(id).orElse(before.value());
            }
            if (store.replaceSession(before, change.after)) {
                Set<MirrorResource> released = ResourceClaims.resourcesOf(before.value());
                released.removeAll(ResourceClaims.resourcesOf(change.after));
                store.release(id, released);
                return store.getSession(id).orElse(change.after);
            }
            if (change.claims != null) {
                change.claims.rollback();
            }
        }
        throw new MirrorException(CONFLICT, null, "session " + id + " is being changed by other requests; retry");
    }

    private void claimName(ResourceClaims claims, String name) {
        claims.claim(MirrorResource.name(name)).ifPresent(holder -> {
            throw new MirrorException(CONFLICT, "name", "a session named '" + name + "' exists (" + holder + ")");
        });
    }

    /** Claims the VLANs asked for, all or none, or draws {@code count} free ids from the pool. */
    private List<Integer> claimVlans(ResourceClaims claims, List<Integer> wanted, int count) {
        if (!wanted.isEmpty()) {
            for (int vlan : wanted) {
                claims.claim(MirrorResource.vlan(vlan)).ifPresent(holder -> {
                    throw new MirrorException(CONFLICT, "vlans", "VLAN " + vlan + " belongs to session " + holder);
                });
            }
            return wanted;
        }
        VlanRange range = pool;
        Set<Integer> taken = store.allocatedVlans();
        List<Integer> drawn = new ArrayList<>();
        for (int vlan = range.first(); vlan <= range.last() && drawn.size() < count; vlan++) {
            // another call may claim a free-looking id first: put-if-absent decides
            if (!taken.contains(vlan) && claims.claim(MirrorResource.vlan(vlan)).isEmpty()) {
                drawn.add(vlan);
            }
        }
        if (drawn.size() < count) {
            throw new MirrorException(CONFLICT, "vlans", "VLAN pool " + range + " is exhausted: " + count
                    + " needed, " + drawn.size() + " free");
        }
        return drawn;
    }

    private MirrorSession resolve(MirrorSession session, MirrorSession before, ResourceClaims claims) {
        EndpointResolver resolver = new EndpointResolver(hostService, store, endpoints());
        return session.toBuilder().tapPoints(resolver.tapPoints(session, before, claims))
                .monitorPoints(resolver.monitorPoints(session)).build();
    }

    /** The agents' network config, read again after each change of it. */
    private Map<String, AgentEndpoint> endpoints() {
        long version = configVersion.get();
        Map.Entry<Long, Map<String, AgentEndpoint>> cached = endpoints;
        if (cached != null && cached.getKey() == version) {
            return cached.getValue();
        }
        MirrorAgentsConfig config = netcfgRegistry.getConfig(appId, MirrorAgentsConfig.class);
        Map<String, AgentEndpoint> byId = new HashMap<>();
        if (config != null) {
            config.agents().forEach(a -> byId.put(a.agentId(), a));
        }
        endpoints = Map.entry(version, Map.copyOf(byId));
        return byId;
    }

    private void configChanged() {
        configVersion.incrementAndGet();
        syncAllIntents();
    }

    private void syncAllIntents() {
        reconciler.syncAll(store.getSessions());
    }

    private void storeEvent(MirrorEvent event) {
        post(event);
        if (event.type() != MirrorEvent.Type.SESSION_STATE_CHANGED) {
            boolean removed = event.type() == MirrorEvent.Type.SESSION_REMOVED;
            reconciler.sync(event.subject().id().id(), removed ? null : event.subject(), event.previous());
        }
    }
}
