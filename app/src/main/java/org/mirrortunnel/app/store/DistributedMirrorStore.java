package org.mirrortunnel.app.store;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.Direction;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorEvent;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorResource;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.MirrorStoreDelegate;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.TapAt;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onlab.util.KryoNamespace;
import org.onosproject.store.AbstractStore;
import org.onosproject.store.serializers.KryoNamespaces;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.EventuallyConsistentMap;
import org.onosproject.store.service.EventuallyConsistentMapEvent;
import org.onosproject.store.service.EventuallyConsistentMapListener;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.MapEventListener;
import org.onosproject.store.service.Serializer;
import org.onosproject.store.service.StorageService;
import org.onosproject.store.service.Versioned;
import org.onosproject.store.service.WallClockTimestamp;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.mirrortunnel.app.api.MirrorException.Reason.CONFLICT;
import static org.mirrortunnel.app.api.MirrorException.Reason.NOT_FOUND;

/**
 * Sessions' definitions, the resources they hold and the agents' states in consistent maps (replicated,
 * strongly consistent: every write is agreed by the cluster); resources are claimed with put-if-absent, so
 * two sessions can never hold the same one. What agents report per session and host lives in an eventually
 * consistent map: each node writes it locally and gossips it, as it changes on every stats poll.
 */
@Component(immediate = true, service = MirrorStore.class)
public class DistributedMirrorStore extends AbstractStore<MirrorEvent, MirrorStoreDelegate> implements MirrorStore {

    /** What the app's maps hold, on top of ONOS's own types. */
    public static final KryoNamespace SERIALIZER = KryoNamespace.newBuilder()
            .register(KryoNamespaces.API)
            .register(MirrorSession.class, MirrorSessionId.class, MirrorEndpoint.class, MirrorFilter.class,
                    Direction.class, AdminState.class, OperState.class, HostState.class, MirrorCounters.class,
                    TapPoint.class, MonitorPoint.class, VfId.class, AgentStatus.class, AgentVf.class,
                    AgentVf.Role.class, MirrorResource.class, MirrorResource.Kind.class, SessionHost.class,
                    TapAt.class)
            .build("mirror-tunnel");

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected StorageService storageService;

    private ConsistentMap<MirrorSessionId, MirrorSession> sessions;
    private ConsistentMap<MirrorResource, MirrorSessionId> claims;
    private ConsistentMap<String, AgentStatus> agents;
    private EventuallyConsistentMap<SessionHost, HostState> hostStates;
    private final MapEventListener<MirrorSessionId, MirrorSession> sessionListener = this::sessionChanged;
    private final EventuallyConsistentMapListener<SessionHost, HostState> hostListener = this::hostStateChanged;

    @Activate
    public void activate() {
        Serializer serializer = Serializer.using(SERIALIZER);
        sessions = storageService.<MirrorSessionId, MirrorSession>consistentMapBuilder()
                .withName("mirror-sessions").withSerializer(serializer).build();
        claims = storageService.<MirrorResource, MirrorSessionId>consistentMapBuilder()
                .withName("mirror-claims").withSerializer(serializer).build();
        agents = storageService.<String, AgentStatus>consistentMapBuilder()
                .withName("mirror-agents").withSerializer(serializer).build();
        hostStates = storageService.<SessionHost, HostState>eventuallyConsistentMapBuilder()
                .withName("mirror-host-states").withSerializer(SERIALIZER)
                .withTimestampProvider((k, v) -> new WallClockTimestamp()).build();
        sessions.addListener(sessionListener);
        hostStates.addListener(hostListener);
    }

    @Deactivate
    public void deactivate() {
        hostStates.removeListener(hostListener);
        sessions.removeListener(sessionListener);
    }

    @Override
    public MirrorSession createSession(MirrorSession session) {
        MirrorSession definition = definition(session);
        if (sessions.putIfAbsent(session.id(), definition) != null) {
            throw new MirrorException(CONFLICT, null, "session id " + session.id() + " is taken");
        }
        return definition;
    }

    @Override
    public Optional<Versioned<MirrorSession>> getDefinition(MirrorSessionId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public boolean replaceSession(Versioned<MirrorSession> before, MirrorSession after) {
        if (!sessions.replace(after.id(), before.version(), definition(after))) {
            return false;
        }
        before.value().agents().stream().filter(a -> !after.agents().contains(a))
                .forEach(a -> hostStates.remove(new SessionHost(after.id(), a)));
        return true;
    }

    @Override
    public MirrorSession removeSession(MirrorSessionId id) {
        Versioned<MirrorSession> removed = sessions.remove(id);
        if (removed == null) {
            throw new MirrorException(NOT_FOUND, null, "no session " + id);
        }
        removed.value().agents().forEach(a -> hostStates.remove(new SessionHost(id, a)));
        return removed.value();
    }

    @Override
    public Optional<MirrorSession> getSession(MirrorSessionId id) {
        return Optional.ofNullable(Versioned.valueOrNull(sessions.get(id))).map(this::withRuntimeState);
    }

    @Override
    public Optional<MirrorSession> getSessionByName(String name) {
        return Optional.ofNullable(Versioned.valueOrNull(claims.get(MirrorResource.name(name))))
                .flatMap(this::getSession).filter(s -> s.name().equals(name));
    }

    @Override
    public Collection<MirrorSession> getSessions() {
        return sessions.values().stream().map(v -> withRuntimeState(v.value()))
                .collect(ImmutableList.toImmutableList());
    }

    private static MirrorSession definition(MirrorSession session) {
        return session.hostStates().isEmpty() ? session : session.toBuilder().hostStates(Map.of()).build();
    }

    private MirrorSession withRuntimeState(MirrorSession definition) {
        Map<String, HostState> states = new HashMap<>();
        for (String agent : definition.agents()) {
            HostState state = hostStates.get(new SessionHost(definition.id(), agent));
            if (state != null) {
                states.put(agent, state);
            }
        }
        return states.isEmpty() ? definition : definition.toBuilder().hostStates(states).build();
    }

    @Override
    public void updateHostState(MirrorSessionId id, String agentId, HostState state) {
        MirrorSession now = Versioned.valueOrNull(sessions.get(id));
        SessionHost key = new SessionHost(id, agentId);
        if (now != null && now.agents().contains(agentId) && !state.equals(hostStates.get(key))) {
            hostStates.put(key, state);
        }
    }

    @Override
    public Optional<MirrorSessionId> claim(MirrorResource resource, MirrorSessionId owner) {
        return Optional.ofNullable(Versioned.valueOrNull(claims.putIfAbsent(resource, owner)));
    }

    @Override
    public void release(MirrorSessionId owner, Collection<MirrorResource> resources) {
        resources.forEach(r -> claims.remove(r, owner));
    }

    @Override
    public Map<MirrorResource, MirrorSessionId> claims() {
        return ImmutableMap.copyOf(claims.asJavaMap());
    }

    @Override
    public Set<Integer> allocatedVlans() {
        Set<Integer> vlans = new HashSet<>();
        for (MirrorResource r : claims.keySet()) {
            if (r.kind() == MirrorResource.Kind.VLAN) {
                vlans.add(r.vlan());
            }
        }
        return Collections.unmodifiableSet(vlans);
    }

    @Override
    public void putAgent(AgentStatus status) {
        agents.put(status.agentId(), status);
    }

    @Override
    public Optional<AgentStatus> getAgent(String agentId) {
        return Optional.ofNullable(Versioned.valueOrNull(agents.get(agentId)));
    }

    @Override
    public Collection<AgentStatus> getAgents() {
        return agents.asJavaMap().values().stream().collect(Collectors.toUnmodifiableList());
    }

    private void sessionChanged(MapEvent<MirrorSessionId, MirrorSession> event) {
        MirrorSession after = Versioned.valueOrNull(event.newValue());
        MirrorSession before = Versioned.valueOrNull(event.oldValue());
        switch (event.type()) {
            case INSERT:
                notifyDelegate(new MirrorEvent(MirrorEvent.Type.SESSION_ADDED, withRuntimeState(after), null));
                break;
            case REMOVE:
                notifyDelegate(new MirrorEvent(MirrorEvent.Type.SESSION_REMOVED, before, before));
                break;
            case UPDATE:
                notifyDelegate(new MirrorEvent(MirrorEvent.Type.SESSION_UPDATED, withRuntimeState(after), before));
                break;
            default:
                break;
        }
    }

    private void hostStateChanged(EventuallyConsistentMapEvent<SessionHost, HostState> event) {
        if (event.type() == EventuallyConsistentMapEvent.Type.PUT) {
            getSession(event.key().session()).ifPresent(s ->
                    notifyDelegate(new MirrorEvent(MirrorEvent.Type.SESSION_STATE_CHANGED, s, null)));
        }
    }

    /** The key of a session's runtime state on one host. */
    static final class SessionHost {
        private final MirrorSessionId session;
        private final String agentId;

        SessionHost(MirrorSessionId session, String agentId) {
            this.session = session;
            this.agentId = agentId;
        }

        MirrorSessionId session() {
            return session;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SessionHost && ((SessionHost) o).session.equals(session)
                    && ((SessionHost) o).agentId.equals(agentId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(session, agentId);
        }
    }
}
