package org.mirrortunnel.agent.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.agent.config.AgentConfig;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.VfId;
import org.mirrortunnel.agent.nic.VlanList;

/**
 * The VFs of this host's PFs: those the NIC reports and those the configuration names, each with where its
 * netdev lives and the role the configuration gives it. A VF with no role (VF_ROLE_UNSPECIFIED) is on the NIC
 * but not for this agent to use. A discovered inventory is read again by {@link #refresh()}.
 */
public final class Inventory {
    private static final Logger LOG = Logger.getLogger(Inventory.class.getName());

    /**
     * One VF. {@code ifname} is "" where nobody can tell where its netdev is; {@code discovered}: the NIC
     * reported it (else only the configuration names it).
     */
    public record Vf(VfId id, VfRole role, String netns, String ifname, String mac, boolean discovered) {
        public Vf(VfId id, VfRole role, String netns, String ifname) {
            this(id, role, netns, ifname, "", false);
        }
    }

    private final Supplier<Collection<Vf>> source;
    private final List<Consumer<Inventory>> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<VfId, Vf> vfs;

    /** A fixed inventory. */
    public Inventory(Collection<Vf> vfs) {
        this.source = () -> vfs;
        this.vfs = index(vfs);
    }

    private Inventory(Supplier<Collection<Vf>> source) {
        this.source = source;
        this.vfs = index(source.get());
    }

    private static Map<VfId, Vf> index(Collection<Vf> vfs) {
        Map<VfId, Vf> m = new TreeMap<>();
        for (Vf vf : vfs) {
            if (m.put(vf.id(), vf) != null) {
                throw new IllegalArgumentException("inventory lists VF " + vf.id() + " twice");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The inventory of the configured PFs as the NIC reports them, with the roles (and, where the NIC cannot
     * tell, the netdev locations) the configuration gives; names are checked like binding fields. A PF the NIC
     * cannot report keeps the VFs the configuration lists.
     */
    public static Inventory discover(AgentConfig config, NicDriver nic) {
        List<PfRoles> pfs = new ArrayList<>();
        for (AgentConfig.PfConfig pf : config.inventory) {
            pfs.add(PfRoles.of(pf));
        }
        return new Inventory(() -> {
            List<Vf> all = new ArrayList<>();
            for (PfRoles pf : pfs) {
                List<NicDriver.NicVf> found;
                try {
                    found = nic.vfs(pf.name);
                } catch (ExecException e) {
                    LOG.warning("inventory pf " + pf.name + ": the NIC reports no VFs (" + e.getMessage()
                            + "); using the configured ones");
                    found = List.of();
                }
                all.addAll(pf.merge(found));
            }
            return all;
        });
    }

    /** Reads the NIC again; listeners hear of the new inventory. */
    public void refresh() {
        vfs = index(source.get());
        listeners.forEach(l -> l.accept(this));
    }

    /** Called after each refresh. */
    public void onRefresh(Consumer<Inventory> listener) {
        listeners.add(listener);
    }

    public Optional<Vf> get(VfId id) {
        return Optional.ofNullable(vfs.get(id));
    }

    /** Every VF, used or not, by PF and index. */
    public Collection<Vf> all() {
        return vfs.values();
    }

    /** VFs the agent may use (those with a role). */
    public List<Vf> usable() {
        return vfs.values().stream().filter(v -> v.role() != VfRole.VF_ROLE_UNSPECIFIED).toList();
    }

    /** The tunnel VF whose netdev is ifname in netns. */
    public Optional<Vf> tunnelAt(String netns, String ifname) {
        return at(netns, ifname).filter(v -> v.role() == VfRole.TUNNEL);
    }

    /** Any VF of the inventory whose netdev is ifname in netns. */
    public Optional<Vf> at(String netns, String ifname) {
        return vfs.values().stream().filter(v -> !v.ifname().isEmpty() && v.netns().equals(netns)
                && v.ifname().equals(ifname)).findFirst();
    }

    /** Namespaces that hold tunnel VFs. */
    public Set<String> tunnelNamespaces() {
        Set<String> ns = new TreeSet<>();
        usable().stream().filter(v -> v.role() == VfRole.TUNNEL && !v.ifname().isEmpty()).forEach(v -> ns.add(v.netns()));
        return ns;
    }

    /** One PF's configuration: its explicit VFs and the roles of discovered VFs by index. */
    private record PfRoles(String name, Map<Integer, AgentConfig.VfConfig> listed, Set<Integer> tunnels,
            Set<Integer> monitors) {

        static PfRoles of(AgentConfig.PfConfig pf) {
            Validator.checkIfname("inventory pf", pf.pf);
            Map<Integer, AgentConfig.VfConfig> listed = new TreeMap<>();
            Set<Integer> tunnels = indexes(pf, "tunnels", pf.tunnels);
            Set<Integer> monitors = indexes(pf, "monitors", pf.monitors);
            Set<Integer> both = new TreeSet<>(tunnels);
            both.retainAll(monitors);
            if (!both.isEmpty()) {
                throw new IllegalArgumentException("inventory " + pf.pf + ": VFs " + VlanList.format(both)
                        + " are listed as tunnels and as monitors");
            }
            for (AgentConfig.VfConfig vf : pf.vfs) {
                String at = "inventory " + pf.pf + "/" + vf.vf;
                VfRole role = role(at, vf.role);
                if (vf.vf < 0 || vf.vf > 255) {
                    throw new IllegalArgumentException(at + ": VF index out of range");
                }
                if ((role == VfRole.TUNNEL && monitors.contains(vf.vf)) || (role == VfRole.MONITOR && tunnels.contains(vf.vf))) {
                    throw new IllegalArgumentException(at + ": its role differs from the PF's tunnels/monitors");
                }
                Validator.checkNetns(at + " netns", vf.netns);
                if (vf.ifname != null) {
                    Validator.checkIfname(at + " ifname", vf.ifname);
                }
                if (listed.put(vf.vf, vf) != null) {
                    throw new IllegalArgumentException("inventory lists VF " + pf.pf + "/" + vf.vf + " twice");
                }
            }
            if (listed.isEmpty() && tunnels.isEmpty() && monitors.isEmpty()) {
                throw new IllegalArgumentException("inventory " + pf.pf
                        + ": name the VFs it may use (vfs, or tunnels and monitors)");
            }
            return new PfRoles(pf.pf, listed, tunnels, monitors);
        }

        private static VfRole role(String at, String role) {
            return switch (String.valueOf(role)) {
                case "tunnel" -> VfRole.TUNNEL;
                case "monitor" -> VfRole.MONITOR;
                default -> throw new IllegalArgumentException(at + ": role must be tunnel or monitor");
            };
        }

        private static Set<Integer> indexes(AgentConfig.PfConfig pf, String key, String list) {
            Set<Integer> set;
            try {
                set = list == null ? Set.of() : VlanList.parse(list);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("inventory " + pf.pf + " " + key + ": not a list of VF indexes"
                        + " like \"1-8,12\"");
            }
            if (set.stream().anyMatch(i -> i < 0 || i > 255)) {
                throw new IllegalArgumentException("inventory " + pf.pf + " " + key + ": VF index out of range");
            }
            return set;
        }

        /** The PF's VFs: what the NIC reports, then the listed VFs it does not report. */
        List<Vf> merge(List<NicDriver.NicVf> found) {
            List<Vf> out = new ArrayList<>();
            Set<Integer> seen = new TreeSet<>();
            for (NicDriver.NicVf f : found) {
                AgentConfig.VfConfig c = listed.get(f.vf());
                boolean known = f.netns() != null;
                String netns = known ? f.netns() : c != null ? c.netns : "";
                String ifname = known ? f.ifname() : c != null && c.ifname != null ? c.ifname : "";
                out.add(new Vf(new VfId(name, f.vf()), roleOf(f.vf()), netns, ifname, f.mac(), true));
                seen.add(f.vf());
            }
            listed.values().stream().filter(c -> !seen.contains(c.vf)).forEach(c -> out.add(new Vf(
                    new VfId(name, c.vf), roleOf(c.vf), c.netns, c.ifname == null ? "" : c.ifname, "", false)));
            return out;
        }

        private VfRole roleOf(int vf) {
            AgentConfig.VfConfig c = listed.get(vf);
            if (c != null) {
                return role("", c.role);
            }
            return tunnels.contains(vf) ? VfRole.TUNNEL : monitors.contains(vf) ? VfRole.MONITOR
                    : VfRole.VF_ROLE_UNSPECIFIED;
        }
    }
}
