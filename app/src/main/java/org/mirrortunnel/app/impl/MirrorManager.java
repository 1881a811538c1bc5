package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorEvent;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorListener;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.MirrorStoreDelegate;
import org.mirrortunnel.app.api.VlanRange;
import org.mirrortunnel.app.intent.MirrorIntent;
import org.onlab.util.Tools;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.event.AbstractListenerManager;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.NetworkConfigRegistry;
import org.onosproject.net.config.basics.SubjectFactories;
import org.onosproject.net.host.HostService;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentService;
import org.onosproject.net.intent.Key;
import org.onosproject.net.intent.WorkPartitionService;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;

import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.mirrortunnel.app.api.MirrorException.Reason.CONFLICT;
import static org.mirrortunnel.app.api.MirrorException.Reason.NOT_FOUND;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.VLAN_POOL;
import static org.mirrortunnel.app.impl.OsgiPropertyConstants.VLAN_POOL_DEFAULT;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * Creates and changes mirror sessions: checks the request, resolves its endpoints, allocates its VLANs from
 * the pool and stores it; keeps the remote-delivery intents of the sessions this node is responsible for.
 */
@Component(immediate = true, service = {MirrorService.class, MirrorAdminService.class},
        property = {VLAN_POOL + "=" + VLAN_POOL_DEFAULT})
public class MirrorManager extends AbstractListenerManager<MirrorEvent, MirrorListener>
        implements MirrorAdminService {

    /** The app's name, as in app.xml. */
    public static final String APP_NAME = "org.mirrortunnel.app";

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

    private VlanRange pool = VlanRange.parse(VLAN_POOL_DEFAULT);
    private ApplicationId appId;
    private final MirrorStoreDelegate delegate = this::storeEvent;
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
        store.setDelegate(delegate);
        modified(context);
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        store.unsetDelegate(delegate);
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
        if (store.getSessionByName(request.name()).isPresent()) {
            throw new MirrorException(CONFLICT, "name", "a session named '" + request.name() + "' exists");
        }
        MirrorSessionId id = MirrorSessionId.of("ms-" + UUID.randomUUID().toString().substring(0, 13));
        MirrorSession resolved = resolve(request.toBuilder().id(id).build());
        List<Integer> vlans = store.allocateVlans(id, pool, request.vlans(), 1);
        try {
            long now = System.currentTimeMillis();
            MirrorSession session = resolved.toBuilder().vlans(vlans).hostStates(Map.of())
                    .created(now).updated(now).build();
            RemoteDelivery.intentsFor(appId, session, endpoints());
            return store.createSession(session);
        } catch (RuntimeException e) {
            store.releaseVlans(id, vlans);
            throw e;
        }
    }

    @Override
    public MirrorSession updateSession(MirrorSession session) {
        MirrorSession before = existing(session.id());
        MirrorSession resolved = resolve(session);
        List<Integer> wanted = session.vlans().isEmpty() ? before.vlans() : session.vlans();
        List<Integer> vlans = store.allocateVlans(session.id(), pool, wanted, wanted.size());
        List<Integer> added = vlans.stream().filter(v -> !before.vlans().contains(v)).collect(Collectors.toList());
        try {
            Set<String> agents = resolved.toBuilder().vlans(vlans).build().agents();
            Map<String, HostState> kept = before.hostStates().entrySet().stream()
                    .filter(e -> agents.contains(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            MirrorSession after = resolved.toBuilder().vlans(vlans).adminState(before.adminState())
                    .hostStates(kept).created(before.created()).updated(System.currentTimeMillis()).build();
            RemoteDelivery.intentsFor(appId, after, endpoints());
            store.updateSession(after);
            store.releaseVlans(session.id(), before.vlans().stream().filter(v -> !vlans.contains(v))
                    .collect(Collectors.toList()));
            return after;
        } catch (RuntimeException e) {
            store.releaseVlans(session.id(), added);
            throw e;
        }
    }

    @Override
    public MirrorSession removeSession(MirrorSessionId id) {
        MirrorSession removed = store.removeSession(id);
        store.releaseVlans(id, removed.vlans());
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
        MirrorSession before = existing(id);
        if (before.adminState() == state) {
            return before;
        }
        return store.updateSession(before.toBuilder().adminState(state).updated(System.currentTimeMillis()).build());
    }

    private MirrorSession existing(MirrorSessionId id) {
        return store.getSession(id).orElseThrow(() -> new MirrorException(NOT_FOUND, null, "no session " + id));
    }

    private MirrorSession resolve(MirrorSession session) {
        EndpointResolver resolver = new EndpointResolver(hostService, store.getAgents(), endpoints());
        return session.toBuilder().tapPoints(resolver.tapPoints(session, store.getSessions()))
                .monitorPoints(resolver.monitorPoints(session)).build();
    }

    private Map<String, AgentEndpoint> endpoints() {
        MirrorAgentsConfig config = netcfgRegistry.getConfig(appId, MirrorAgentsConfig.class);
        Map<String, AgentEndpoint> byId = new HashMap<>();
        if (config != null) {
            config.agents().forEach(a -> byId.put(a.agentId(), a));
        }
        return byId;
    }

    private void storeEvent(MirrorEvent event) {
        post(event);
        MirrorSession session = event.subject();
        if (event.type() == MirrorEvent.Type.SESSION_STATE_CHANGED
                || !workPartitionService.isMine(session.id().id(), HASH)) {
            return;
        }
        List<MirrorIntent> wanted = List.of();
        if (event.type() != MirrorEvent.Type.SESSION_REMOVED) {
            try {
                wanted = RemoteDelivery.intentsFor(appId, session, endpoints());
            } catch (MirrorException e) {
                log.warn("Session {}: {}", session.name(), e.getMessage());
            }
        }
        Set<Key> keep = wanted.stream().map(Intent::key).collect(Collectors.toSet());
        String prefix = session.id().id() + "/";
        StreamSupport.stream(intentService.getIntentsByAppId(appId).spliterator(), false)
                .filter(i -> i.key().toString().startsWith(prefix) && !keep.contains(i.key()))
                .forEach(intentService::withdraw);
        wanted.forEach(intentService::submit);
    }
}
