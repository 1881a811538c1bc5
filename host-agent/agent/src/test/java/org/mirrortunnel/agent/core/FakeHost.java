package org.mirrortunnel.agent.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.api.v1.VfCounters;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.TapRefusedException;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.VfId;
import org.mirrortunnel.agent.tap.TapDriver;
import org.mirrortunnel.agent.tap.TapSession;
import org.mirrortunnel.agent.tap.VethPeers;

/** An in-memory NIC, TAP and veth pairs that record every change and fail on request, for the manager's tests. */
public final class FakeHost implements NicDriver, TapDriver, VethPeers {
    final Map<VfId, Set<Integer>> vlanMirror = new TreeMap<>();
    final Map<VfId, Boolean> loopback = new TreeMap<>();
    final Map<VfId, String> link = new TreeMap<>();
    /** "netns/dev#id" -> session. */
    final Map<String, TapSession> sessions = new TreeMap<>();
    public final List<String> changes = new ArrayList<>();
    Set<Capability> capabilities = EnumSet.allOf(Capability.class);
    /** The VFs of each PF the NIC reports; null: those of the test inventory. */
    Map<String, List<NicVf>> reported;
    /** Veth pairs, both ways. */
    final Map<Port, Port> peers = new java.util.HashMap<>();
    /** Operation name ("addVlanMirror", "setLoopback", "attach", "setLinkState", ...) to fail once. */
    public String failOn;
    /** Operation name to refuse once as a TAP refuses an invalid request. */
    public String refuseOn;
    /** Called with each change as it is made. */
    java.util.function.Consumer<String> onChange = op -> { };

    /** Everything a test compares before and after; defaults (no VLAN, loopback off, link auto) left out. */
    public String snapshot() {
        return filter(vlanMirror, v -> !v.isEmpty()) + " " + filter(loopback, on -> on) + " "
                + filter(link, state -> !state.equals("auto")) + " " + sessions;
    }

    private static <V> Map<VfId, V> filter(Map<VfId, V> map, java.util.function.Predicate<V> keep) {
        Map<VfId, V> m = new TreeMap<>();
        map.forEach((k, v) -> {
            if (keep.test(v)) {
                m.put(k, v);
            }
        });
        return m;
    }

    private void change(String op, String what) {
        if (op.equals(failOn)) {
            failOn = null;
            throw new ExecException(op + " refused by the test");
        }
        if (op.equals(refuseOn)) {
            refuseOn = null;
            throw new TapRefusedException(op + ": the TAP finds the request invalid");
        }
        changes.add(op + " " + what);
        onChange.accept(op + " " + what);
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public List<NicVf> vfs(String pf) {
        if (reported != null) {
            if (!reported.containsKey(pf)) {
                throw new ExecException("no PF " + pf);
            }
            return reported.get(pf);
        }
        return Bindings.INVENTORY.all().stream().filter(v -> v.id().pf().equals(pf))
                .map(v -> new NicVf(v.id().vf(), v.netns(), v.ifname(), "")).toList();
    }

    @Override
    public Set<Capability> capabilities(VfId vf) {
        return capabilities;
    }

    @Override
    public Set<Integer> vlanMirror(VfId vf) {
        return new TreeSet<>(vlanMirror.getOrDefault(vf, Set.of()));
    }

    /** Refuses, as the NIC does, to take a VF past {@link #MAX_VLAN_MIRROR} VLANs. */
    @Override
    public void addVlanMirror(VfId vf, Set<Integer> vlans) {
        Set<Integer> after = vlanMirror(vf);
        after.addAll(vlans);
        if (after.size() > MAX_VLAN_MIRROR) {
            throw new ExecException("VF " + vf + " would mirror " + after.size() + " VLANs");
        }
        change("addVlanMirror", vf + " " + vlans);
        vlanMirror.computeIfAbsent(vf, k -> new TreeSet<>()).addAll(vlans);
    }

    @Override
    public void removeVlanMirror(VfId vf, Set<Integer> vlans) {
        change("removeVlanMirror", vf + " " + vlans);
        vlanMirror.computeIfAbsent(vf, k -> new TreeSet<>()).removeAll(vlans);
    }

    @Override
    public boolean loopback(VfId vf) {
        return loopback.getOrDefault(vf, false);
    }

    @Override
    public void setLoopback(VfId vf, boolean on) {
        change("setLoopback", vf + " " + on);
        loopback.put(vf, on);
    }

    @Override
    public String linkState(VfId vf) {
        return link.getOrDefault(vf, "auto");
    }

    @Override
    public void setLinkState(VfId vf, String state) {
        change("setLinkState", vf + " " + state);
        link.put(vf, state);
    }

    @Override
    public VfCounters stats(VfId vf) {
        return VfCounters.newBuilder().setVf(vf.toRef()).setRxPackets(vlanMirror(vf).size()).build();
    }

    private static String key(String netns, String dev, int id) {
        return netns + "/" + dev + "#" + id;
    }

    @Override
    public void attach(TapSession s) {
        change("attach", key(s.netns(), s.dev(), s.id()));
        sessions.put(key(s.netns(), s.dev(), s.id()), s);
    }

    @Override
    public void detach(String netns, String dev, int id) {
        change("detach", key(netns, dev, id));
        sessions.remove(key(netns, dev, id));
    }

    @Override
    public Set<Integer> sessions(String netns, String dev) {
        Set<Integer> ids = new TreeSet<>();
        sessions.values().stream().filter(s -> s.netns().equals(netns) && s.dev().equals(dev)).forEach(s -> ids.add(s.id()));
        return ids;
    }

    @Override
    public List<SessionAt> tunnelUsers(String netns, String tunnel) {
        return sessions.values().stream().filter(s -> s.netns().equals(netns) && s.tunnel().equals(tunnel))
                .map(s -> new SessionAt(s.netns(), s.dev(), s.id())).toList();
    }

    @Override
    public TapCounters stats(String netns, String dev, int id) {
        return TapCounters.newBuilder().setSeen(id).setMirrored(id).build();
    }

    @Override
    public boolean tunnelCarrier(String netns, String dev, int id) {
        TapSession s = sessions.get(key(netns, dev, id));
        if (s == null) {
            throw new ExecException("no session " + id + " on " + dev);
        }
        VfId tunnel = Bindings.INVENTORY.tunnelAt(netns, s.tunnel()).orElseThrow().id();
        return !"disable".equals(link.get(tunnel));
    }

    @Override
    public Port peer(String netns, String ifname) {
        Port p = peers.get(new Port(netns, ifname));
        if (p == null) {
            throw new IllegalArgumentException(ifname + " is not one end of a veth pair");
        }
        return p;
    }
}
