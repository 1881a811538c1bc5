package org.mirrortunnel.app.api;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.mirrortunnel.app.api.MirrorException.Reason.INVALID;

/**
 * A mirror session: what to copy (sources, the side of them the TAP watches, direction, filter, sampling, snaplen),
 * where to deliver it
 * (monitors), the VLANs that carry the copies, the operator's admin state and the state on each host.
 * Immutable; change it through {@link #toBuilder()}.
 */
public final class MirrorSession {
    private final MirrorSessionId id;
    private final String name;
    private final List<MirrorEndpoint> sources;
    private final List<MirrorEndpoint> monitors;
    private final TapAt tapAt;
    private final Direction direction;
    private final MirrorFilter filter;
    private final int sampleEvery;
    private final int snaplen;
    private final List<Integer> vlans;
    private final AdminState adminState;
    private final List<TapPoint> tapPoints;
    private final List<MonitorPoint> monitorPoints;
    private final Map<String, HostState> hostStates;
    private final long created;
    private final long updated;

    private MirrorSession(Builder b) {
        this.id = b.id;
        this.name = b.name;
        this.sources = ImmutableList.copyOf(b.sources);
        this.monitors = ImmutableList.copyOf(b.monitors);
        this.tapAt = b.tapAt;
        this.direction = b.direction;
        this.filter = b.filter;
        this.sampleEvery = b.sampleEvery;
        this.snaplen = b.snaplen;
        this.vlans = ImmutableList.copyOf(b.vlans);
        this.adminState = b.adminState;
        this.tapPoints = ImmutableList.copyOf(b.tapPoints);
        this.monitorPoints = ImmutableList.copyOf(b.monitorPoints);
        this.hostStates = ImmutableMap.copyOf(b.hostStates);
        this.created = b.created;
        this.updated = b.updated;
    }

    /**
     * Returns the session id (null on a request not yet created).
     *
     * @return id
     */
    public MirrorSessionId id() {
        return id;
    }

    /**
     * Returns the operator's name of the session, unique in the cluster.
     *
     * @return name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the sources as the operator named them.
     *
     * @return sources
     */
    public List<MirrorEndpoint> sources() {
        return sources;
    }

    /**
     * Returns the monitors as the operator named them.
     *
     * @return monitors
     */
    public List<MirrorEndpoint> monitors() {
        return monitors;
    }

    /**
     * Returns which side of its sources the TAP watches.
     *
     * @return TAP point
     */
    public TapAt tapAt() {
        return tapAt;
    }

    /**
     * Returns the direction.
     *
     * @return direction
     */
    public Direction direction() {
        return direction;
    }

    /**
     * Returns the filter.
     *
     * @return filter
     */
    public MirrorFilter filter() {
        return filter;
    }

    /**
     * Returns N of "mirror 1 in N packets"; 1 mirrors all.
     *
     * @return sampling
     */
    public int sampleEvery() {
        return sampleEvery;
    }

    /**
     * Returns the byte count copies are cut to, 0 for whole frames.
     *
     * @return snaplen
     */
    public int snaplen() {
        return snaplen;
    }

    /**
     * Returns the session's VLANs; on a request, the VLANs asked for (empty: one from the pool).
     *
     * @return VLAN ids
     */
    public List<Integer> vlans() {
        return vlans;
    }

    /**
     * Returns the admin state.
     *
     * @return admin state
     */
    public AdminState adminState() {
        return adminState;
    }

    /**
     * Returns the resolved sources.
     *
     * @return tap points
     */
    public List<TapPoint> tapPoints() {
        return tapPoints;
    }

    /**
     * Returns the resolved monitors.
     *
     * @return monitor points
     */
    public List<MonitorPoint> monitorPoints() {
        return monitorPoints;
    }

    /**
     * Returns the state on each host, by agent id.
     *
     * @return host states
     */
    public Map<String, HostState> hostStates() {
        return hostStates;
    }

    /**
     * Returns the creation time, in milliseconds since the epoch.
     *
     * @return creation time
     */
    public long created() {
        return created;
    }

    /**
     * Returns the time of the last change by the operator, in milliseconds since the epoch.
     *
     * @return update time
     */
    public long updated() {
        return updated;
    }

    /**
     * Returns the agents whose hosts hold a part of this session.
     *
     * @return agent ids
     */
    public Set<String> agents() {
        ImmutableSet.Builder<String> all = ImmutableSet.builder();
        tapPoints.forEach(p -> all.add(p.agentId()));
        monitorPoints.forEach(p -> all.add(p.agentId()));
        return all.build();
    }

    /**
     * Tells whether copies from the given agent's host must cross the fabric (a monitor lives elsewhere).
     *
     * @param agentId a source's agent
     * @return true for remote delivery
     */
    public boolean hasRemoteMonitor(String agentId) {
        return monitorPoints.stream().anyMatch(m -> !m.agentId().equals(agentId));
    }

    /**
     * Returns the session's state: the worst over its hosts, PENDING before any host reported.
     *
     * @return operational state
     */
    public OperState operState() {
        if (agents().isEmpty() || !hostStates.keySet().containsAll(agents())) {
            return hostStates.values().stream().map(HostState::state).reduce(OperState.PENDING, OperState::worst);
        }
        return hostStates.values().stream().map(HostState::state).reduce(OperState.ACTIVE, OperState::worst);
    }

    /**
     * Returns the counters summed over all hosts.
     *
     * @return counters
     */
    public MirrorCounters counters() {
        return hostStates.values().stream().map(HostState::counters).reduce(MirrorCounters.ZERO, MirrorCounters::plus);
    }

    /**
     * Returns a builder holding this session.
     *
     * @return builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns an empty builder.
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MirrorSession)) {
            return false;
        }
        MirrorSession s = (MirrorSession) o;
        return Objects.equals(id, s.id) && name.equals(s.name) && sources.equals(s.sources)
                && monitors.equals(s.monitors) && tapAt == s.tapAt && direction == s.direction
                && filter.equals(s.filter) && sampleEvery == s.sampleEvery && snaplen == s.snaplen
                && vlans.equals(s.vlans)
                && adminState == s.adminState && tapPoints.equals(s.tapPoints)
                && monitorPoints.equals(s.monitorPoints) && hostStates.equals(s.hostStates)
                && created == s.created && updated == s.updated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, vlans, updated);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this).add("id", id).add("name", name).add("sources", sources)
                .add("monitors", monitors).add("tapAt", tapAt).add("direction", direction).add("filter", filter)
                .add("sampleEvery", sampleEvery).add("snaplen", snaplen).add("vlans", vlans)
                .add("admin", adminState).add("hosts", hostStates).toString();
    }

    /**
     * Builds a session; {@link #build()} checks what a session must satisfy on its own.
     */
    public static final class Builder {
        private static final int MIN_SNAPLEN = 64;
        private static final int MAX_SNAPLEN = 65535;
        /** The agent's limit of VLANs per binding. */
        public static final int MAX_VLANS = 8;

        private MirrorSessionId id;
        private String name;
        private List<MirrorEndpoint> sources = List.of();
        private List<MirrorEndpoint> monitors = List.of();
        private TapAt tapAt = TapAt.FRONT_END;
        private Direction direction = Direction.BOTH;
        private MirrorFilter filter = MirrorFilter.ANY;
        private int sampleEvery = 1;
        private int snaplen;
        private List<Integer> vlans = List.of();
        private AdminState adminState = AdminState.ENABLED;
        private List<TapPoint> tapPoints = List.of();
        private List<MonitorPoint> monitorPoints = List.of();
        private Map<String, HostState> hostStates = Map.of();
        private long created;
        private long updated;

        private Builder() {
        }

        private Builder(MirrorSession s) {
            id = s.id;
            name = s.name;
            sources = s.sources;
            monitors = s.monitors;
            tapAt = s.tapAt;
            direction = s.direction;
            filter = s.filter;
            sampleEvery = s.sampleEvery;
            snaplen = s.snaplen;
            vlans = s.vlans;
            adminState = s.adminState;
            tapPoints = s.tapPoints;
            monitorPoints = s.monitorPoints;
            hostStates = s.hostStates;
            created = s.created;
            updated = s.updated;
        }

        /**
         * Sets the id.
         *
         * @param newId id
         * @return this builder
         */
        public Builder id(MirrorSessionId newId) {
            this.id = newId;
            return this;
        }

        /**
         * Sets the name.
         *
         * @param newName name
         * @return this builder
         */
        public Builder name(String newName) {
            this.name = newName;
            return this;
        }

        /**
         * Sets the sources.
         *
         * @param newSources sources
         * @return this builder
         */
        public Builder sources(List<MirrorEndpoint> newSources) {
            this.sources = newSources;
            return this;
        }

        /**
         * Sets the monitors.
         *
         * @param newMonitors monitors
         * @return this builder
         */
        public Builder monitors(List<MirrorEndpoint> newMonitors) {
            this.monitors = newMonitors;
            return this;
        }

        /**
         * Sets which side of the sources the TAP watches.
         *
         * @param newTapAt TAP point
         * @return this builder
         */
        public Builder tapAt(TapAt newTapAt) {
            this.tapAt = newTapAt;
            return this;
        }

        /**
         * Sets the direction.
         *
         * @param newDirection direction
         * @return this builder
         */
        public Builder direction(Direction newDirection) {
            this.direction = newDirection;
            return this;
        }

        /**
         * Sets the filter.
         *
         * @param newFilter filter
         * @return this builder
         */
        public Builder filter(MirrorFilter newFilter) {
            this.filter = newFilter;
            return this;
        }

        /**
         * Sets the sampling, 1 in N.
         *
         * @param n 1 or more
         * @return this builder
         */
        public Builder sampleEvery(int n) {
            this.sampleEvery = n;
            return this;
        }

        /**
         * Sets the snaplen.
         *
         * @param bytes 64..65535, or 0 for whole frames
         * @return this builder
         */
        public Builder snaplen(int bytes) {
            this.snaplen = bytes;
            return this;
        }

        /**
         * Sets the VLANs.
         *
         * @param newVlans VLAN ids
         * @return this builder
         */
        public Builder vlans(List<Integer> newVlans) {
            this.vlans = newVlans;
            return this;
        }

        /**
         * Sets the admin state.
         *
         * @param state admin state
         * @return this builder
         */
        public Builder adminState(AdminState state) {
            this.adminState = state;
            return this;
        }

        /**
         * Sets the resolved sources.
         *
         * @param points tap points
         * @return this builder
         */
        public Builder tapPoints(List<TapPoint> points) {
            this.tapPoints = points;
            return this;
        }

        /**
         * Sets the resolved monitors.
         *
         * @param points monitor points
         * @return this builder
         */
        public Builder monitorPoints(List<MonitorPoint> points) {
            this.monitorPoints = points;
            return this;
        }

        /**
         * Sets the per-host states.
         *
         * @param states states by agent id
         * @return this builder
         */
        public Builder hostStates(Map<String, HostState> states) {
            this.hostStates = states;
            return this;
        }

        /**
         * Sets the creation time.
         *
         * @param millis milliseconds since the epoch
         * @return this builder
         */
        public Builder created(long millis) {
            this.created = millis;
            return this;
        }

        /**
         * Sets the update time.
         *
         * @param millis milliseconds since the epoch
         * @return this builder
         */
        public Builder updated(long millis) {
            this.updated = millis;
            return this;
        }

        /**
         * Builds the session.
         *
         * @return session
         * @throws MirrorException when a part is missing or out of range
         */
        public MirrorSession build() {
            if (!Tokens.valid(name, 64, "._-")) {
                throw new MirrorException(INVALID, "name",
                        "name must be 1..64 characters of [A-Za-z0-9._-], not '" + name + "'");
            }
            if (sources.isEmpty() || monitors.isEmpty()) {
                throw new MirrorException(INVALID, sources.isEmpty() ? "sources" : "monitors",
                        "a session needs at least one source and one monitor");
            }
            if (sampleEvery < 1) {
                throw new MirrorException(INVALID, "sampleEvery",
                        "sampling must be 1 in N with N >= 1, not " + sampleEvery);
            }
            if (snaplen != 0 && (snaplen < MIN_SNAPLEN || snaplen > MAX_SNAPLEN)) {
                throw new MirrorException(INVALID, "snaplen",
                        "snaplen must be 64..65535 (or 0 for whole frames), not " + snaplen);
            }
            if (!validVlans(vlans)) {
                throw new MirrorException(INVALID, "vlans",
                        "VLANs must be at most " + MAX_VLANS + " distinct ids in 1..4094, not "
                        + vlans);
            }
            Objects.requireNonNull(tapAt, "tapAt");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(filter, "filter");
            Objects.requireNonNull(adminState, "adminState");
            return new MirrorSession(this);
        }

        private static boolean validVlans(List<Integer> vlans) {
            if (vlans.size() > MAX_VLANS) {
                return false;
            }
            for (int i = 0; i < vlans.size(); i++) {
                int v = vlans.get(i);
                if (v < 1 || v > 4094 || vlans.subList(0, i).contains(v)) {
                    return false;
                }
            }
            return true;
        }
    }
}
