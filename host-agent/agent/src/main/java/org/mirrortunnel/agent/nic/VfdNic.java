package org.mirrortunnel.agent.nic;

import java.util.Locale;
import java.util.Set;

/**
 * The VFd attribute protocol both backends speak: "add 2,4,18-22" / "rem 15-17" to vlan_mirror,
 * "on"/"off" to loopback, "enable"/"disable"/"auto" to link_state. Subclasses read and write one attribute.
 */
abstract class VfdNic implements NicDriver {

    protected abstract String read(VfId vf, String attribute);

    protected abstract void write(VfId vf, String attribute, String value);

    @Override
    public Set<Integer> vlanMirror(VfId vf) {
        return VlanList.parse(read(vf, "vlan_mirror"));
    }

    @Override
    public void addVlanMirror(VfId vf, Set<Integer> vlans) {
        if (!vlans.isEmpty()) {
            write(vf, "vlan_mirror", "add " + VlanList.format(vlans));
        }
    }

    @Override
    public void removeVlanMirror(VfId vf, Set<Integer> vlans) {
        if (!vlans.isEmpty()) {
            write(vf, "vlan_mirror", "rem " + VlanList.format(vlans));
        }
    }

    @Override
    public boolean loopback(VfId vf) {
        return read(vf, "loopback").strip().equalsIgnoreCase("on");
    }

    @Override
    public void setLoopback(VfId vf, boolean on) {
        write(vf, "loopback", on ? "on" : "off");
    }

    @Override
    public String linkState(VfId vf) {
        return read(vf, "link_state").strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public void setLinkState(VfId vf, String state) {
        write(vf, "link_state", state);
    }
}
