package org.mirrortunnel.agent.core;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.agent.config.AgentConfig;
import org.mirrortunnel.agent.nic.VfId;

/** The PFs and VFs this agent may use, their roles and where each VF's netdev lives. */
public final class Inventory {

    /** One usable VF. */
    public record Vf(VfId id, VfRole role, String netns, String ifname) {
    }

    private final Map<VfId, Vf> vfs;

    public Inventory(Collection<Vf> vfs) {
        Map<VfId, Vf> m = new TreeMap<>();
        for (Vf vf : vfs) {
            if (m.put(vf.id(), vf) != null) {
                throw new IllegalArgumentException("inventory lists VF " + vf.id() + " twice");
            }
        }
        this.vfs = Collections.unmodifiableMap(m);
    }

    /** Builds the inventory from the configuration; names are checked like binding fields. */
    public static Inventory of(AgentConfig config) {
        java.util.List<Vf> list = new java.util.ArrayList<>();
        for (AgentConfig.PfConfig pf : config.inventory) {
            Validator.checkIfname("inventory pf", pf.pf);
            for (AgentConfig.VfConfig vf : pf.vfs) {
                String at = "inventory " + pf.pf + "/" + vf.vf;
                VfRole role = switch (String.valueOf(vf.role)) {
                    case "tunnel" -> VfRole.TUNNEL;
                    case "monitor" -> VfRole.MONITOR;
                    default -> throw new IllegalArgumentException(at + ": role must be tunnel or monitor");
                };
                if (vf.vf < 0 || vf.vf > 255) {
                    throw new IllegalArgumentException(at + ": VF index out of range");
                }
                Validator.checkNetns(at + " netns", vf.netns);
                if (role == VfRole.TUNNEL || vf.ifname != null) {
                    Validator.checkIfname(at + " ifname", vf.ifname);
                }
                list.add(new Vf(new VfId(pf.pf, vf.vf), role, vf.netns, vf.ifname == null ? "" : vf.ifname));
            }
        }
        return new Inventory(list);
    }

    public Optional<Vf> get(VfId id) {
        return Optional.ofNullable(vfs.get(id));
    }

    public Collection<Vf> all() {
        return vfs.values();
    }

    /** The tunnel VF whose netdev is ifname in netns. */
    public Optional<Vf> tunnelAt(String netns, String ifname) {
        return vfs.values().stream()
                .filter(v -> v.role() == VfRole.TUNNEL && v.netns().equals(netns) && v.ifname().equals(ifname))
                .findFirst();
    }
}
