package org.mirrortunnel.agent.core;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mirrortunnel.agent.nic.VfId;

/**
 * What the agent made on the host for one binding, persisted so that a restarted agent removes exactly
 * its own leftovers: TAP sessions, VLAN mirror entries it added, tunnel VFs whose loopback and link state
 * it set (with the values to restore).
 */
public record Owned(Set<TapClaim> taps, Set<VlanClaim> vlans, Set<TunnelClaim> tunnels) {

    /**
     * TAP session {@code session} on port {@code dev} of namespace {@code netns}. {@code source}: null when
     * that port is the binding's source port (front end), else the source port "netns/ifname" whose veth
     * peer it is (back end).
     */
    public record TapClaim(String netns, String dev, int session, String source) implements Comparable<TapClaim> {
        public TapClaim(String netns, String dev, int session) {
            this(netns, dev, session, null);
        }

        @Override
        public int compareTo(TapClaim o) {
            return toString().compareTo(o.toString());
        }
    }

    /** VLAN {@code vlan} in the mirror set of monitor VF {@code pf}/{@code vf}. */
    public record VlanClaim(String pf, int vf, int vlan) implements Comparable<VlanClaim> {
        VfId vfId() {
            return new VfId(pf, vf);
        }

        @Override
        public int compareTo(VlanClaim o) {
            int c = vfId().compareTo(o.vfId());
            return c != 0 ? c : Integer.compare(vlan, o.vlan);
        }
    }

    /** Tunnel VF {@code pf}/{@code vf}; loopback and link state as they were before the agent set them. */
    public record TunnelClaim(String pf, int vf, boolean loopbackBefore, String linkStateBefore)
            implements Comparable<TunnelClaim> {
        VfId vfId() {
            return new VfId(pf, vf);
        }

        @Override
        public int compareTo(TunnelClaim o) {
            return vfId().compareTo(o.vfId());
        }
    }

    public static final Owned NOTHING = new Owned(Set.of(), Set.of(), Set.of());

    public Owned {
        taps = new TreeSet<>(taps == null ? Set.of() : taps);
        vlans = new TreeSet<>(vlans == null ? Set.of() : vlans);
        tunnels = new TreeSet<>(tunnels == null ? Set.of() : tunnels);
    }

    public Owned union(Owned o) {
        return new Owned(merge(taps, o.taps), merge(vlans, o.vlans), merge(tunnels, o.tunnels));
    }

    public boolean covers(Owned o) {
        return taps.containsAll(o.taps) && vlans.containsAll(o.vlans) && tunnels.containsAll(o.tunnels);
    }

    private static <T> Set<T> merge(Set<T> a, Set<T> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }
}
