package org.mirrortunnel.agent.core;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.SourcePort;
import org.mirrortunnel.agent.api.v1.TapAt;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.NicDriver.Capability;
import org.mirrortunnel.agent.nic.VfId;
import org.mirrortunnel.agent.nic.VlanList;
import org.mirrortunnel.agent.tap.TapDriver;
import org.mirrortunnel.agent.tap.TapSession;
import org.mirrortunnel.agent.tap.VethPeers;

/**
 * Turns "binding id should be X (or nothing)" into the host steps that get there from what the agent
 * owns, each with its undo, and into the new ownership record. Checks what only the host and the other
 * bindings can tell (FAILED_PRECONDITION): tunnel VFs and VLANs in use, the VLAN mirror limit, TAP
 * sessions per port, NIC capabilities. Reads the host only where the agent's records cannot tell.
 */
final class Planner {
    /** Steps to run and what the agent owns once they all ran. */
    record Plan(Owned claims, List<Step> steps) {
    }

    private final Inventory inventory;
    private final NicDriver nic;
    private final TapDriver tap;
    private final VethPeers peers;

    Planner(Inventory inventory, NicDriver nic, TapDriver tap, VethPeers peers) {
        this.inventory = inventory;
        this.nic = nic;
        this.tap = tap;
        this.peers = peers;
    }

    /**
     * @param known the binding known to be on the host now (null: unknown, read the host where needed)
     * @param prior what the agent owns for this id now
     * @param mirrorReads VLAN mirror sets of the NIC as this batch will leave them (shared by its plans)
     */
    Plan plan(Binding after, Binding known, Owned prior, Collection<Entry> others,
            Map<VfId, Set<Integer>> mirrorReads) {
        List<Step> steps = new ArrayList<>();
        Owned claims = Owned.NOTHING;
        if (after != null) {
            checkConflicts(after, others);
            List<Step> links = new ArrayList<>();
            Set<Owned.VlanClaim> vlans = monitorSteps(after, known, prior, mirrorReads, steps);
            Set<Owned.TunnelClaim> tunnels = tunnelSteps(after, known, prior, others, steps, links);
            Set<Owned.TapClaim> taps = tapSteps(after, known, prior, others, steps);
            steps.addAll(links); // the link comes up once everything behind it is in place
            claims = new Owned(taps, vlans, tunnels);
        }
        releaseSteps(prior, claims, after == null ? Set.of() : monitorsOf(after), known, steps);
        return new Plan(claims, steps);
    }

    private static void checkConflicts(Binding after, Collection<Entry> others) {
        Set<VfId> tunnels = tunnelsOf(after);
        for (Entry o : others) {
            if (o.binding() == null) {
                continue;
            }
            for (SourcePort s : o.binding().getSourcesList()) {
                VfId t = VfId.of(s.getTunnel());
                if (tunnels.contains(t)) {
                    throw precondition("tunnel VF " + t + " carries binding '" + o.id() + "'");
                }
            }
            for (int v : o.binding().getVlansList()) {
                if (after.getVlansList().contains(v)) {
                    throw precondition("VLAN " + v + " belongs to binding '" + o.id() + "'");
                }
            }
        }
    }

    /**
     * Per monitor VF: takes away the VLANs this binding gives up there before it adds the ones it wants, so
     * that a swap fits where the VF is at its limit.
     */
    private Set<Owned.VlanClaim> monitorSteps(Binding after, Binding known, Owned prior,
            Map<VfId, Set<Integer>> mirrorReads, List<Step> steps) {
        Set<Integer> want = new TreeSet<>(after.getVlansList());
        Set<Owned.VlanClaim> claims = new TreeSet<>();
        for (MonitorPort m : after.getMonitorsList()) {
            VfId vf = VfId.of(m.getVf());
            requireCapabilities(vf, Capability.VLAN_MIRROR);
            want.forEach(v -> claims.add(new Owned.VlanClaim(vf.pf(), vf.vf(), v)));
            Set<Integer> ours = prior.vlans().stream().filter(c -> c.vfId().equals(vf))
                    .map(Owned.VlanClaim::vlan).collect(Collectors.toCollection(TreeSet::new));
            Set<Integer> giveUp = new TreeSet<>(ours);
            giveUp.removeAll(want);
            if (giveUp.isEmpty() && known != null && monitorsOf(known).contains(vf)
                    && new TreeSet<>(known.getVlansList()).equals(want)) {
                continue;
            }
            Set<Integer> current = mirrorReads.computeIfAbsent(vf, k -> new TreeSet<>(read(() -> nic.vlanMirror(k))));
            Set<Integer> foreign = new TreeSet<>(current);
            foreign.retainAll(want);
            foreign.removeAll(ours);
            if (!foreign.isEmpty()) {
                throw precondition("VLANs " + VlanList.format(foreign) + " are already mirrored to VF " + vf
                        + " by something this agent does not own");
            }
            Set<Integer> result = new TreeSet<>(current);
            result.removeAll(giveUp);
            result.addAll(want);
            if (result.size() > NicDriver.MAX_VLAN_MIRROR) {
                throw precondition("monitor VF " + vf + " would mirror " + result.size() + " VLANs, at most "
                        + NicDriver.MAX_VLAN_MIRROR);
            }
            Set<Integer> add = new TreeSet<>(want);
            add.removeAll(current);
            current.removeAll(giveUp); // the batch's view: later plans of this batch see the VF as it will be
            current.addAll(add);
            if (!giveUp.isEmpty()) {
                steps.add(vlanRemoval(vf, giveUp));
            }
            if (!add.isEmpty()) {
                steps.add(new Step("vlan_mirror " + vf + " add " + VlanList.format(add),
                        () -> nic.addVlanMirror(vf, add), () -> nic.removeVlanMirror(vf, add),
                        new Step.VlanChange(vf, true, add)));
            }
        }
        return claims;
    }

    private Step vlanRemoval(VfId vf, Set<Integer> vlans) {
        return new Step("vlan_mirror " + vf + " rem " + VlanList.format(vlans),
                () -> nic.removeVlanMirror(vf, vlans), () -> nic.addVlanMirror(vf, vlans),
                new Step.VlanChange(vf, false, vlans));
    }

    private Set<Owned.TunnelClaim> tunnelSteps(Binding after, Binding known, Owned prior, Collection<Entry> others,
            List<Step> steps, List<Step> links) {
        Set<Owned.TunnelClaim> claims = new TreeSet<>();
        for (VfId t : tunnelsOf(after)) {
            requireCapabilities(t, Capability.LOOPBACK, Capability.LINK_STATE);
            Optional<Owned.TunnelClaim> owned = prior.tunnels().stream().filter(c -> c.vfId().equals(t)).findFirst();
            if (owned.isEmpty()) {
                requireNoForeignSessions(t, requireUntappedNetdev(t), prior, others);
            }
            Owned.TunnelClaim claim = owned.orElseGet(() -> new Owned.TunnelClaim(t.pf(), t.vf(),
                    read(() -> nic.loopback(t)), read(() -> nic.linkState(t))));
            claims.add(claim);
            boolean knownHere = known != null && tunnelsOf(known).contains(t);
            boolean loopbackNow = knownHere ? !known.getRemoteDelivery()
                    : owned.isEmpty() ? claim.loopbackBefore() : read(() -> nic.loopback(t));
            String linkNow = knownHere ? linkState(known)
                    : owned.isEmpty() ? claim.linkStateBefore() : read(() -> nic.linkState(t));
            addLoopbackStep(steps, t, loopbackNow, !after.getRemoteDelivery(), "");
            addLinkStep(links, t, linkNow, linkState(after), "");
        }
        return claims;
    }

    /** The TAP sends copies to the tunnel's netdev: it must be where the inventory says, and not tapped itself. */
    private Inventory.Vf requireUntappedNetdev(VfId t) {
        Inventory.Vf vf = inventory.get(t).orElseThrow(() -> precondition("tunnel VF " + t + " is gone from the NIC"));
        Set<Integer> tapped;
        try {
            tapped = tap.sessions(vf.netns(), vf.ifname());
        } catch (ExecException e) {
            throw precondition("tunnel VF " + t + ": no netdev " + vf.ifname() + " in namespace '" + vf.netns()
                    + "' (" + e.getMessage() + ")");
        }
        if (!tapped.isEmpty()) {
            throw precondition("tunnel VF " + t + " (" + vf.ifname() + ") is itself tapped by TAP sessions " + tapped);
        }
        return vf;
    }

    /**
     * A TAP session the agent does not own (made by hand) that already sends to the tunnel would share it: the
     * tunnel's link state would switch its copies too. Sessions of the agent's bindings, this one's included,
     * are its own.
     */
    private void requireNoForeignSessions(VfId t, Inventory.Vf vf, Owned prior, Collection<Entry> others) {
        Set<TapDriver.SessionAt> ours = new HashSet<>();
        Stream.concat(Stream.of(prior), others.stream().map(Entry::owned)).flatMap(o -> o.taps().stream())
                .forEach(c -> ours.add(new TapDriver.SessionAt(c.netns(), c.dev(), c.session())));
        for (TapDriver.SessionAt s : read(() -> tap.tunnelUsers(vf.netns(), vf.ifname()))) {
            if (!ours.contains(s)) {
                throw precondition("tunnel VF " + t + " (" + vf.ifname() + ") already carries TAP session " + s.id()
                        + " on port " + port(s.netns(), s.dev()) + ", which this agent does not own");
            }
        }
    }

    private Set<Owned.TapClaim> tapSteps(Binding after, Binding known, Owned prior, Collection<Entry> others,
            List<Step> steps) {
        Set<Owned.TapClaim> claims = new TreeSet<>();
        for (int i = 0; i < after.getSourcesCount(); i++) {
            SourcePort s = after.getSources(i);
            Owned.TapClaim at = tapPort(after, i, known, prior);
            Owned.TapClaim claim = prior.taps().stream().filter(c -> c.netns().equals(at.netns())
                    && c.dev().equals(at.dev()) && Objects.equals(c.source(), at.source())).findFirst()
                    .orElseGet(() -> allocate(at, others));
            claims.add(claim);
            TapSession want = session(after, s, claim);
            TapSession now = knownSession(known, claim);
            if (!want.equals(now)) {
                try {
                    tap.check(want);
                } catch (ExecException e) {
                    throw precondition(e.getMessage());
                }
                steps.add(new Step("tap attach " + port(claim) + " session " + claim.session(),
                        () -> tap.attach(want),
                        () -> {
                            if (now != null) {
                                tap.attach(now);
                            } else {
                                tap.detach(claim.netns(), claim.dev(), claim.session());
                            }
                        }));
            }
        }
        return claims;
    }

    /**
     * The port the TAP of source i watches (a claim with no session yet): the source port at the front end,
     * its veth peer at the back end, where the tunnel VF must live too. The peer is read from the host unless
     * the binding on the host already watches it.
     */
    private Owned.TapClaim tapPort(Binding after, int i, Binding known, Owned prior) {
        SourcePort s = after.getSources(i);
        if (after.getTapAt() != TapAt.BACK_END) {
            return new Owned.TapClaim(s.getNetns(), s.getIfname(), 0);
        }
        String key = portKey(s);
        Optional<Owned.TapClaim> held = known == null || known.getTapAt() != TapAt.BACK_END
                || known.getSourcesList().stream().noneMatch(k -> portKey(k).equals(key)) ? Optional.empty()
                : prior.taps().stream().filter(c -> key.equals(c.source())).findFirst();
        String field = "sources[" + i + "].";
        VethPeers.Port peer;
        if (held.isPresent()) {
            peer = new VethPeers.Port(held.get().netns(), held.get().dev());
        } else {
            try {
                peer = peers.peer(s.getNetns(), s.getIfname());
            } catch (IllegalArgumentException e) {
                throw Validator.invalid(field + "ifname: tap_at BACK_END watches the host side of a veth, and "
                        + e.getMessage());
            } catch (ExecException e) {
                throw precondition(field + "ifname: cannot read port " + key + " (" + e.getMessage() + ")");
            }
            inventory.at(peer.netns(), peer.ifname()).ifPresent(vf -> {
                throw Validator.invalid(field + "ifname: the veth peer of " + s.getIfname() + " is VF " + vf.id()
                        + " of this host's NIC, which no TAP watches");
            });
        }
        VfId t = VfId.of(s.getTunnel());
        String tunnelNetns = inventory.get(t).map(Inventory.Vf::netns).orElse("");
        if (!tunnelNetns.equals(peer.netns())) {
            throw Validator.invalid(field + "tunnel: VF " + t + " lives in namespace '" + tunnelNetns + "', not in '"
                    + peer.netns() + "', where the back-end TAP watches " + peer.ifname() + ", the veth peer of "
                    + s.getIfname());
        }
        return new Owned.TapClaim(peer.netns(), peer.ifname(), 0, key);
    }

    private Owned.TapClaim allocate(Owned.TapClaim at, Collection<Entry> others) {
        String netns = at.netns();
        String dev = at.dev();
        Set<Integer> used = new TreeSet<>(read(() -> tap.sessions(netns, dev)));
        for (Entry o : others) {
            o.owned().taps().stream().filter(c -> c.netns().equals(netns) && c.dev().equals(dev))
                    .forEach(c -> used.add(c.session()));
        }
        if (used.size() >= TapDriver.MAX_SESSIONS_PER_PORT) {
            throw precondition("port " + netns + "/" + dev + " already has " + used.size()
                    + " TAP sessions, the most it can hold");
        }
        int id = 1;
        while (used.contains(id)) {
            id++;
        }
        return new Owned.TapClaim(netns, dev, id, at.source());
    }

    private void releaseSteps(Owned prior, Owned claims, Set<VfId> monitored, Binding known, List<Step> steps) {
        for (Owned.TapClaim c : prior.taps()) {
            if (!claims.taps().contains(c)) {
                TapSession now = knownSession(known, c);
                steps.add(new Step("tap detach " + port(c) + " session " + c.session(),
                        () -> tap.detach(c.netns(), c.dev(), c.session()),
                        () -> {
                            if (now != null) {
                                tap.attach(now);
                            }
                        }));
            }
        }
        Map<VfId, Set<Integer>> gone = new TreeMap<>();
        for (Owned.VlanClaim c : prior.vlans()) {
            if (!monitored.contains(c.vfId())) { // monitorSteps released those of the VFs still monitored
                gone.computeIfAbsent(c.vfId(), k -> new TreeSet<>()).add(c.vlan());
            }
        }
        gone.forEach((vf, vlans) -> steps.add(vlanRemoval(vf, vlans)));
        Set<VfId> kept = claims.tunnels().stream().map(Owned.TunnelClaim::vfId).collect(Collectors.toSet());
        for (Owned.TunnelClaim c : prior.tunnels()) {
            VfId t = c.vfId();
            if (kept.contains(t)) {
                continue;
            }
            boolean knownHere = known != null && tunnelsOf(known).contains(t);
            boolean loopbackNow = knownHere ? !known.getRemoteDelivery() : read(() -> nic.loopback(t));
            String linkNow = knownHere ? linkState(known) : read(() -> nic.linkState(t));
            addLinkStep(steps, t, linkNow, c.linkStateBefore(), " (restore)");
            addLoopbackStep(steps, t, loopbackNow, c.loopbackBefore(), " (restore)");
        }
    }

    private void addLoopbackStep(List<Step> steps, VfId t, boolean now, boolean want, String note) {
        if (now != want) {
            steps.add(new Step("loopback " + t + " " + (want ? "on" : "off") + note,
                    () -> nic.setLoopback(t, want), () -> nic.setLoopback(t, now)));
        }
    }

    private void addLinkStep(List<Step> steps, VfId t, String now, String want, String note) {
        if (!now.equals(want)) {
            steps.add(new Step("link_state " + t + " " + want + note,
                    () -> nic.setLinkState(t, want), () -> nic.setLinkState(t, now)));
        }
    }

    /** The TAP session the known binding has on a claimed port, or null. */
    private TapSession knownSession(Binding known, Owned.TapClaim claim) {
        if (known == null) {
            return null;
        }
        return known.getSourcesList().stream().filter(s -> claims(claim, known, s))
                .findFirst().map(s -> session(known, s, claim)).orElse(null);
    }

    /** Whether c is the TAP claim of source port s of binding b. */
    static boolean claims(Owned.TapClaim c, Binding b, SourcePort s) {
        return b.getTapAt() == TapAt.BACK_END ? portKey(s).equals(c.source())
                : c.source() == null && c.netns().equals(s.getNetns()) && c.dev().equals(s.getIfname());
    }

    private static String portKey(SourcePort s) {
        return s.getNetns() + "/" + s.getIfname();
    }

    /** The session on the claimed port; at the back end the NSF's rx is what its veth peer sends (tx). */
    private TapSession session(Binding b, SourcePort s, Owned.TapClaim claim) {
        String tunnel = inventory.get(VfId.of(s.getTunnel()))
                .orElseThrow(() -> precondition("tunnel VF " + VfId.of(s.getTunnel()) + " is gone from the NIC")).ifname();
        Direction d = b.getDirection();
        if (claim.source() != null) {
            d = d == Direction.RX ? Direction.TX : d == Direction.TX ? Direction.RX : d;
        }
        return new TapSession(claim.netns(), claim.dev(), claim.session(), tunnel, d, b.getVlansList(),
                b.getSampleEvery(), b.getSnaplen(), b.getFilter());
    }

    private void requireCapabilities(VfId vf, Capability... needed) {
        Set<Capability> have = read(() -> nic.capabilities(vf));
        for (Capability c : needed) {
            if (!have.contains(c)) {
                throw precondition("the " + nic.name() + " NIC offers no " + c.name().toLowerCase()
                        + " on VF " + vf);
            }
        }
    }

    static String linkState(Binding b) {
        return b.getEnabled() ? "enable" : "disable";
    }

    static Set<VfId> tunnelsOf(Binding b) {
        return b.getSourcesList().stream().map(s -> VfId.of(s.getTunnel())).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<VfId> monitorsOf(Binding b) {
        return b.getMonitorsList().stream().map(m -> VfId.of(m.getVf())).collect(Collectors.toSet());
    }

    private static String port(Owned.TapClaim c) {
        return port(c.netns(), c.dev());
    }

    private static String port(String netns, String dev) {
        return (netns.isEmpty() ? "" : netns + "/") + dev;
    }

    private static <T> T read(Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ExecException e) {
            throw precondition("reading the host's state failed: " + e.getMessage());
        }
    }

    private static StatusRuntimeException precondition(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }
}
