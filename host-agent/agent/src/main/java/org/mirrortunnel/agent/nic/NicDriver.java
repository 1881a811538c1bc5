package org.mirrortunnel.agent.nic;

import java.util.List;
import java.util.Set;
import org.mirrortunnel.agent.api.v1.VfCounters;

/**
 * The SR-IOV NIC features a binding uses, in the i40e VFd vocabulary: VLAN mirror to a monitor VF,
 * loopback and link state of a tunnel VF, VF counters. Failures throw ExecException.
 */
public interface NicDriver {
    /** i40e's limit of mirrored VLANs per VF. */
    int MAX_VLAN_MIRROR = 192;

    /** Features a VF may lack (an in-tree driver has no VFd files). */
    enum Capability { VLAN_MIRROR, LOOPBACK, LINK_STATE }

    /**
     * A VF as the NIC reports it. {@code netns} is null where the NIC cannot tell where the VF's netdev is
     * (for example, passed to a VM); else "" is the agent's own namespace. {@code mac} is "" when unknown.
     */
    record NicVf(int vf, String netns, String ifname, String mac) {
    }

    /** "i40e" or "emulated". */
    String name();

    /** The VFs the PF has now, by index. */
    List<NicVf> vfs(String pf);

    Set<Capability> capabilities(VfId vf);

    Set<Integer> vlanMirror(VfId vf);

    /** Adds VLANs to the VF's mirror set; the NIC refuses (changing nothing) beyond {@link #MAX_VLAN_MIRROR}. */
    void addVlanMirror(VfId vf, Set<Integer> vlans);

    void removeVlanMirror(VfId vf, Set<Integer> vlans);

    boolean loopback(VfId vf);

    void setLoopback(VfId vf, boolean on);

    /** "enable", "disable" or "auto". */
    String linkState(VfId vf);

    void setLinkState(VfId vf, String state);

    VfCounters stats(VfId vf);
}
