package org.mirrortunnel.app.store;

import com.google.common.collect.ImmutableSet;
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
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.MirrorStoreDelegate;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.mirrortunnel.app.api.VlanRange;
import org.onlab.util.KryoNamespace;
import org.onosproject.store.AbstractStore;
import org.onosproject.store.serializers.KryoNamespaces;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.MapEventListener;
import org.onosproject.store.service.Serializer;
import org.onosproject.store.service.StorageService;
import org.onosproject.store.service.Versioned;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.mirrortunnel.app.api.MirrorException.Reason.CONFLICT;
import static org.mirrortunnel.app.api.MirrorException.Reason.NOT_FOUND;

/**
 * Sessions, their names, the VLANs they own and the agents' states in consistent maps. Names and VLANs are
 * claimed with put-if-absent, so two nodes can never hand out the same one.
 */
@Component(immediate = true, service = MirrorStore.class)
public class DistributedMirrorStore extends AbstractStore<MirrorEvent, MirrorStoreDelegate> implements MirrorStore {

    /** What the app's maps hold, on top of ONOS's own types. */
    public static final KryoNamespace SERIALIZER = KryoNamespace.newBuilder()
            .register(KryoNamespaces.API)
            .register(MirrorSession.class, MirrorSessionId.class, MirrorEndpoint.class, MirrorFilter.class,
                    Direction.class, AdminState.class, OperState.class, HostState.class, MirrorCounters.class,
                    TapPoint.class, MonitorPoint.class, VfId.class, AgentStatus.class, AgentVf.class,
                    AgentVf.Role.class)
            .build("mirror-tunnel");

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected StorageService storageService;

    private ConsistentMap<MirrorSessionId, MirrorSession> sessions;
    private ConsistentMap<String, MirrorSessionId> names;
    private ConsistentMap<Integer, MirrorSessionId> vlans;
    private ConsistentMap<String, AgentStatus> agents;
    private final MapEventListener<MirrorSessionId, MirrorSession> sessionListener = this::sessionChanged;

    @Activate
    public void activate() {
        Serializer serializer = Serializer.using(SERIALIZER);
        sessions = storageService.<MirrorSessionId, MirrorSession>consistentMapBuilder()
                .withName("mirror-sessions").withSerializer(serializer).build();
        names = storageService.<String, MirrorSessionId>consistentMapBuilder()
                .withName("mirror-session-names").withSerializer(serializer).build();
        vlans = storageService.<Integer, MirrorSessionId>consistentMapBuilder()
                .withName("mirror-vlans").withSerializer(serializer).build();
        agents = storageService.<String, AgentStatus>consistentMapBuilder()
                .withName("mirror-agents").withSerializer(serializer).build();
        sessions.addListener(sessionListener);
    }

    @Deactivate
    public void deactivate() {
        sessions.removeListener(sessionListener);
    }

    @Override
    public MirrorSession createSession(MirrorSession session) {
        claimName(session.name(), session.id());
        if (sessions.putIfAbsent(session.id(), session) != null) {
            names.remove(session.name(), session.id());
            throw new MirrorException(CONFLICT, null, "session id " + session.id() + " is taken");
        }
        return session;
    }

    @Override
    public MirrorSession updateSession(MirrorSession session) {
        MirrorSession before = getSession(session.id())
                .orElseThrow(() -> new MirrorException(NOT_FOUND, null, "no session " + session.id()));
        boolean renamed = !before.name().equals(session.name());
        if (renamed) {
            claimName(session.name(), session.id());
        }
        if (sessions.replace(session.id(), session) == null) {
            if (renamed) {
                names.remove(session.name(), session.id());
            }
            throw new MirrorException(NOT_FOUND, null, "session " + session.id() + " was removed meanwhile");
        }
        if (renamed) {
            names.remove(before.name(), session.id());
        }
        return session;
    }

    private void claimName(String name, MirrorSessionId id) {
        Versioned<MirrorSessionId> holder = names.putIfAbsent(name, id);
        if (holder != null && !holder.value().equals(id)) {
            throw new MirrorException(CONFLICT, "name",
                    "a session named '" + name + "' exists (" + holder.value() + ")");
        }
    }

    @Override
    public MirrorSession removeSession(MirrorSessionId id) {
        Versioned<MirrorSession> removed = sessions.remove(id);
        if (removed == null) {
            throw new MirrorException(NOT_FOUND, null, "no session " + id);
        }
        names.remove(removed.value().name(), id);
        return removed.value();
    }

    @Override
    public Optional<MirrorSession> getSession(MirrorSessionId id) {
        return Optional.ofNullable(Versioned.valueOrNull(sessions.get(id)));
    }

    @Override
    public Optional<MirrorSession> getSessionByName(String name) {
        return Optional.ofNullable(Versioned.valueOrNull(names.get(name))).flatMap(this::getSession);
    }

    @Override
    public Collection<MirrorSession> getSessions() {
        return ImmutableSet.copyOf(sessions.asJavaMap().values());
    }

    @Override
    public void updateHostState(MirrorSessionId id, String agentId, HostState state) {
        MirrorSession now = Versioned.valueOrNull(sessions.get(id));
        if (now == null || state.equals(now.hostStates().get(agentId))) {
            return;
        }
        sessions.computeIfPresent(id, (k, s) -> {
            Map<String, HostState> states = new HashMap<>(s.hostStates());
            states.put(agentId, state);
            return s.toBuilder().hostStates(states).build();
        });
    }

    @Override
    public List<Integer> allocateVlans(MirrorSessionId owner, VlanRange pool, List<Integer> wanted, int count) {
        List<Integer> claimed = new ArrayList<>();
        if (!wanted.isEmpty()) {
            for (int vlan : wanted) {
                if (!claimVlan(vlan, owner)) {
                    releaseVlans(owner, claimed);
                    throw new MirrorException(CONFLICT, "vlans",
                            "VLAN " + vlan + " belongs to session " + vlans.get(vlan).value());
                }
                claimed.add(vlan);
            }
            return claimed;
        }
        Set<Integer> taken = allocatedVlans();
        for (int vlan = pool.first(); vlan <= pool.last() && claimed.size() < count; vlan++) {
            // another node may claim a free-looking id first: put-if-absent decides
            if (!taken.contains(vlan) && claimVlan(vlan, owner)) {
                claimed.add(vlan);
            }
        }
        if (claimed.size() < count) {
            releaseVlans(owner, claimed);
            throw new MirrorException(CONFLICT, "vlans", "VLAN pool " + pool + " is exhausted: " + count + " needed, "
                    + claimed.size() + " free");
        }
        return claimed;
    }

    private boolean claimVlan(int vlan, MirrorSessionId owner) {
        Versioned<MirrorSessionId> holder = vlans.putIfAbsent(vlan, owner);
        return holder == null || holder.value().equals(owner);
    }

    @Override
    public void releaseVlans(MirrorSessionId owner, Collection<Integer> released) {
        released.forEach(vlan -> vlans.remove(vlan, owner));
    }

    @Override
    public Set<Integer> allocatedVlans() {
        return ImmutableSet.copyOf(vlans.keySet());
    }

    @Override
    public void putAgent(AgentStatus status) {
        agents.put(status.agentId(), status);
    }

    @Override
    public void removeAgent(String agentId) {
        agents.remove(agentId);
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
                notifyDelegate(new MirrorEvent(MirrorEvent.Type.SESSION_ADDED, after, null));
                break;
            case REMOVE:
                notifyDelegate(new MirrorEvent(MirrorEvent.Type.SESSION_REMOVED, before, before));
                break;
            case UPDATE:
                boolean onlyState = before != null && Objects.equals(
                        before.toBuilder().hostStates(after.hostStates()).build(), after);
                notifyDelegate(new MirrorEvent(onlyState ? MirrorEvent.Type.SESSION_STATE_CHANGED
                        : MirrorEvent.Type.SESSION_UPDATED, after, before));
                break;
            default:
                break;
        }
    }
}
