package org.mirrortunnel.agent.core;

import java.util.List;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.SourcePort;
import org.mirrortunnel.agent.api.v1.VfRef;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.agent.nic.VfId;

/**
 * The test inventory (PF pf0: tunnels 1 and 3 in ns-a, monitors 2 and 4, tunnel 5 in ns-h, the host side of
 * ns-a's veths) and bindings on it.
 */
public final class Bindings {
    public static final Inventory INVENTORY = new Inventory(List.of(
            new Inventory.Vf(new VfId("pf0", 1), VfRole.TUNNEL, "ns-a", "tun0"),
            new Inventory.Vf(new VfId("pf0", 2), VfRole.MONITOR, "ns-m", "mon0"),
            new Inventory.Vf(new VfId("pf0", 3), VfRole.TUNNEL, "ns-a", "tun1"),
            new Inventory.Vf(new VfId("pf0", 4), VfRole.MONITOR, "ns-m", "mon1"),
            new Inventory.Vf(new VfId("pf0", 5), VfRole.TUNNEL, "ns-h", "tun5")));

    private Bindings() {
    }

    public static VfRef vf(int n) {
        return VfRef.newBuilder().setPf("pf0").setVf(n).build();
    }

    /** Binding id mirroring ns-a/port through tunnel VF tunnel to monitor VF 2 on the given VLAN. */
    public static Binding.Builder binding(String id, String port, int tunnel, int vlan) {
        return Binding.newBuilder().setId(id).setDirection(Direction.BOTH).addVlans(vlan).setEnabled(true)
                .addSources(SourcePort.newBuilder().setNetns("ns-a").setIfname(port).setTunnel(vf(tunnel)))
                .addMonitors(MonitorPort.newBuilder().setVf(vf(2)));
    }
}
