package org.mirrortunnel.agent.core;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.SourcePort;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.VfId;
import org.mirrortunnel.agent.tap.TapDriver;
import org.mirrortunnel.agent.tap.VethPeers;

/**
 * Holds the bindings and makes the host follow them: validates, plans, writes ownership ahead of each
 * change, runs the steps (undoing on failure), persists, and reports every change as an event. Calls on
 * one binding are serialised by a per-id lock; calls on different bindings run side by side.
 */
public final class BindingManager {
    private static final Logger LOG = Logger.getLogger(BindingManager.class.getName());

    private final Validator validator;
    private final Planner planner;
    private final StateStore store;
    private final EventHub events;
    private final Inventory inventory;
    private final NicDriver nic;
    private final TapDriver tap;
    /** Guarded by this. */
    private final Map<String, Entry> entries = new TreeMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Tunnel carrier as the host showed it last (the watcher's events, reads after changes), by "netns/ifname". */
    private final Map<String, Boolean> carrier = new ConcurrentHashMap<>();

    private record Target(String id, Binding binding) {
    }

    /**
     * grew: the plan claims more than the agent owns now. linkOnly: an applied binding whose only change is
     * {@code enabled}, so the host change is one link state write and ownership stays as it is.
     */
    private record Prepared(Target target, Entry before, Planner.Plan plan, boolean grew, boolean linkOnly) {
    }

    public BindingManager(Inventory inventory, Validator validator, NicDriver nic, TapDriver tap, VethPeers peers,
            StateStore store, EventHub events) {
        this.inventory = inventory;
        this.nic = nic;
        this.tap = tap;
        this.validator = validator;
        this.planner = new Planner(inventory, nic, tap, peers);
        this.store = store;
        this.events = events;
    }

    /** Re-applies the saved state (StateStore.load): desired bindings are asserted, leftovers released. */
    public List<String> restore(List<Entry> saved) {
        List<Target> targets = new ArrayList<>();
        synchronized (this) {
            for (Entry e : saved) {
                entries.put(e.id(), e);
                targets.add(new Target(e.id(), e.binding()));
            }
        }
        List<String> failures = new ArrayList<>();
        run(targets, true).forEach((id, error) -> {
            if (error != null) {
                failures.add(id + ": " + error.getStatus().getDescription());
                events.error("re-applying binding '" + id + "' after a restart failed: "
                        + error.getStatus().getDescription());
            }
        });
        return failures;
    }

    public BindingStatus apply(Binding b) {
        validator.validate(b, "");
        throwIfFailed(run(List.of(new Target(b.getId(), b)), false).get(b.getId()));
        return status(b.getId());
    }

    public void remove(String id) {
        Validator.checkId("id", id);
        throwIfFailed(run(List.of(new Target(id, null)), false).get(id));
    }

    public BindingStatus setEnabled(String id, boolean enabled) {
        Validator.checkId("id", id);
        ReentrantLock lock = lock(id);
        lock.lock();
        try {
            Entry e = entry(id);
            if (e == null || e.binding() == null) {
                throw notFound(id);
            }
            return apply(e.binding().toBuilder().setEnabled(enabled).build());
        } finally {
            lock.unlock();
        }
    }

    /** Makes the given set the whole desired state: absent bindings are removed, the others applied. */
    public SyncBindingsResponse sync(List<Binding> bindings) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < bindings.size(); i++) {
            validator.validate(bindings.get(i), "bindings[" + i + "].");
            if (!ids.add(bindings.get(i).getId())) {
                throw Validator.invalid("bindings[" + i + "].id: '" + bindings.get(i).getId() + "' is listed twice");
            }
        }
        List<Target> targets = new ArrayList<>();
        synchronized (this) {
            entries.keySet().stream().filter(id -> !ids.contains(id)).forEach(id -> targets.add(new Target(id, null)));
        }
        bindings.forEach(b -> targets.add(new Target(b.getId(), b)));
        Map<String, StatusRuntimeException> outcome = run(targets, false);
        SyncBindingsResponse.Builder r = SyncBindingsResponse.newBuilder();
        for (Target t : targets) {
            StatusRuntimeException error = outcome.get(t.id());
            if (t.binding() == null && error == null) {
                r.addRemoved(t.id());
            } else if (t.binding() != null) {
                r.addApplied(error == null ? status(t.id()) : failed(t.binding(), error));
            }
        }
        return r.build();
    }

    public synchronized List<BindingStatus> list() {
        return entries.values().stream().filter(e -> e.binding() != null).map(this::status).toList();
    }

    public synchronized BindingStatus status(String id) {
        Entry e = entries.get(id);
        return e == null ? BindingStatus.newBuilder().setId(id).setState(BindingState.REMOVED).build() : status(e);
    }

    public synchronized Entry entry(String id) {
        return entries.get(id);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Subscribes to events; the subscriber first gets the current state of every binding. */
    public synchronized Runnable watch(Consumer<AgentEvent> subscriber) {
        list().forEach(s -> subscriber.accept(EventHub.stamp(AgentEvent.newBuilder().setBinding(s))));
        return events.subscribe(subscriber);
    }

    /** The TAP watcher saw a tunnel's carrier come or go. */
    public void carrier(String netns, String ifname, boolean up) {
        if (Objects.equals(carrier.put(netns + "/" + ifname, up), up)) {
            return;
        }
        inventory.tunnelAt(netns, ifname).ifPresent(vf -> {
            events.link(vf.id().toRef(), up);
            synchronized (this) {
                entries.values().stream().filter(e -> e.binding() != null
                        && Planner.tunnelsOf(e.binding()).contains(vf.id())).forEach(e -> events.binding(status(e)));
            }
        });
    }

    /** Applies targets in two rounds, removals first (they free VLANs and VFs), under all their locks. */
    private Map<String, StatusRuntimeException> run(List<Target> targets, boolean force) {
        List<ReentrantLock> held = new TreeSet<>(targets.stream().map(Target::id).toList()).stream()
                .map(this::lock).toList();
        held.forEach(ReentrantLock::lock);
        try {
            Map<String, StatusRuntimeException> outcome = new TreeMap<>();
            batch(targets.stream().filter(t -> t.binding() == null).toList(), force, outcome);
            batch(targets.stream().filter(t -> t.binding() != null).toList(), force, outcome);
            return outcome;
        } finally {
            held.forEach(ReentrantLock::unlock);
        }
    }

    private void batch(List<Target> targets, boolean force, Map<String, StatusRuntimeException> outcome) {
        List<Prepared> prepared = new ArrayList<>();
        Map<VfId, Set<Integer>> mirrorReads = new HashMap<>();
        for (Target t : targets) {
            outcome.put(t.id(), null);
            try {
                Prepared p = prepare(t, force, mirrorReads);
                if (p != null) {
                    prepared.add(p);
                }
            } catch (StatusRuntimeException e) {
                outcome.put(t.id(), e);
                if (t.binding() != null) {
                    events.binding(failed(t.binding(), e));
                }
            }
        }
        if (prepared.stream().anyMatch(Prepared::grew)) {
            save(true); // ownership is on disk before the host changes
        }
        Set<Step> done = writeVlanChangesTogether(prepared);
        for (Prepared p : prepared) {
            try {
                Step.runAll(p.plan().steps(), done);
                observeCarrier(p.target().binding(), p.plan().claims());
                commit(p);
            } catch (StatusRuntimeException e) {
                revert(p, e);
                outcome.put(p.target().id(), e);
            }
        }
        if (!prepared.isEmpty()) {
            // A link flip's record need not wait for the disk: written, it survives the agent's death, and a
            // host crash that could lose it resets the VFs' link state too, which the controller's next sync
            // then sets again. Every other change is synced before the call returns.
            save(!prepared.stream().allMatch(Prepared::linkOnly));
        }
    }

    /**
     * Writes the VLAN mirror changes of a batch with one write per VF and direction instead of one per
     * binding, removals first (so that additions fit under the VF's limit); returns the steps it ran. A VF
     * whose joint write fails is left to the bindings' own steps, which then find the binding at fault.
     */
    private Set<Step> writeVlanChangesTogether(List<Prepared> prepared) {
        Map<Step.VlanChange, List<Step>> groups = new TreeMap<>(Comparator
                .comparing((Step.VlanChange c) -> c.add()).thenComparing(Step.VlanChange::vf));
        for (Prepared p : prepared) {
            for (Step s : p.plan().steps()) {
                if (s.vlans() != null) {
                    groups.computeIfAbsent(new Step.VlanChange(s.vlans().vf(), s.vlans().add(), Set.of()),
                            k -> new ArrayList<>()).add(s);
                }
            }
        }
        Set<Step> done = new HashSet<>();
        groups.forEach((key, steps) -> {
            if (steps.size() < 2) {
                return;
            }
            Set<Integer> vlans = new TreeSet<>();
            steps.forEach(s -> vlans.addAll(s.vlans().vlans()));
            try {
                if (key.add()) {
                    nic.addVlanMirror(key.vf(), vlans);
                } else {
                    nic.removeVlanMirror(key.vf(), vlans);
                }
                done.addAll(steps);
            } catch (ExecException e) {
                LOG.info("joint vlan_mirror write to " + key.vf() + " failed, writing binding by binding: "
                        + e.getMessage());
            }
        });
        return done;
    }

    private synchronized Prepared prepare(Target t, boolean force, Map<VfId, Set<Integer>> mirrorReads) {
        Entry before = entries.get(t.id());
        if (t.binding() == null && before == null) {
            throw notFound(t.id());
        }
        if (!force && before != null && before.applied() && Objects.equals(before.binding(), t.binding())) {
            return null;
        }
        Owned prior = before == null ? Owned.NOTHING : before.owned();
        Binding known = !force && before != null && before.applied() ? before.binding() : null;
        List<Entry> others = entries.values().stream().filter(e -> !e.id().equals(t.id())).toList();
        Planner.Plan plan = planner.plan(t.binding(), known, prior, others, mirrorReads);
        entries.put(t.id(), new Entry(t.id(), t.binding(), prior.union(plan.claims()), false, null));
        boolean grew = !prior.covers(plan.claims());
        boolean linkOnly = known != null && t.binding() != null && !grew && plan.claims().covers(prior)
                && known.toBuilder().setEnabled(t.binding().getEnabled()).build().equals(t.binding());
        return new Prepared(t, before, plan, grew, linkOnly);
    }

    /**
     * Reads the carrier of an enabled binding's tunnels from the host once its steps ran: the watcher reports
     * only changes of sessions it follows, so a tunnel's record can be older than the binding.
     */
    private void observeCarrier(Binding b, Owned claims) {
        if (b == null || !b.getEnabled()) {
            return;
        }
        for (SourcePort s : b.getSourcesList()) {
            String key = tunnelKey(s);
            claims.taps().stream().filter(c -> Planner.claims(c, b, s)).findFirst().ifPresent(c -> {
                try {
                    carrier.put(key, tap.tunnelCarrier(c.netns(), c.dev(), c.session()));
                } catch (ExecException e) {
                    LOG.warning("carrier of " + key + ": " + e.getMessage());
                }
            });
        }
    }

    private String tunnelName(SourcePort s) {
        return inventory.get(VfId.of(s.getTunnel())).map(Inventory.Vf::ifname).orElse("");
    }

    /** The carrier record's key of a source's tunnel: where its netdev lives ("netns/ifname"). */
    private String tunnelKey(SourcePort s) {
        return inventory.get(VfId.of(s.getTunnel())).map(v -> v.netns() + "/" + v.ifname()).orElse("");
    }

    private synchronized void commit(Prepared p) {
        String id = p.target().id();
        if (p.target().binding() == null) {
            entries.remove(id);
            events.binding(status(id));
        } else {
            Entry e = new Entry(id, p.target().binding(), p.plan().claims(), true, null);
            entries.put(id, e);
            events.binding(status(e));
        }
    }

    private synchronized void revert(Prepared p, StatusRuntimeException error) {
        String id = p.target().id();
        Entry before = p.before();
        LOG.warning("binding " + id + ": " + error.getStatus().getDescription());
        if (before == null) {
            entries.remove(id);
        } else {
            entries.put(id, before.applied() ? before
                    : new Entry(id, before.binding(), before.owned(), false, error.getStatus().getDescription()));
        }
        if (p.target().binding() != null) {
            events.binding(failed(p.target().binding(), error));
        }
    }

    private synchronized void save(boolean durable) {
        store.save(entries.values(), durable);
    }

    private BindingStatus status(Entry e) {
        BindingStatus.Builder s = BindingStatus.newBuilder().setId(e.id());
        if (e.binding() == null) {
            return s.setState(BindingState.REMOVED).build();
        }
        s.setBinding(e.binding());
        if (e.failure() != null) {
            return s.setState(BindingState.FAILED).setMessage(e.failure()).build();
        }
        if (!e.applied()) {
            return s.setState(BindingState.PENDING).build();
        }
        if (e.binding().getSourcesCount() == 0) {
            return s.setState(BindingState.ACTIVE).build(); // its VLAN mirror is in place; `enabled` switches tunnels
        }
        if (!e.binding().getEnabled()) {
            return s.setState(BindingState.DISABLED).build();
        }
        for (SourcePort src : e.binding().getSourcesList()) {
            String tunnel = tunnelName(src);
            if (Boolean.FALSE.equals(carrier.get(tunnelKey(src)))) {
                return s.setState(BindingState.PENDING).setMessage("tunnel " + tunnel + " has no carrier").build();
            }
        }
        return s.setState(BindingState.ACTIVE).build();
    }

    private static BindingStatus failed(Binding b, StatusRuntimeException e) {
        return BindingStatus.newBuilder().setId(b.getId()).setState(BindingState.FAILED)
                .setMessage(String.valueOf(e.getStatus().getDescription())).setBinding(b).build();
    }

    private ReentrantLock lock(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantLock());
    }

    private static void throwIfFailed(StatusRuntimeException e) {
        if (e != null) {
            throw e;
        }
    }

    private static StatusRuntimeException notFound(String id) {
        return Status.NOT_FOUND.withDescription("binding '" + id + "' not found").asRuntimeException();
    }
}
