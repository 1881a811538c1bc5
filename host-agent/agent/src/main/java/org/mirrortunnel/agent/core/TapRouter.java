package org.mirrortunnel.agent.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.config.AgentConfig;
import org.mirrortunnel.agent.tap.DpdkTap;
import org.mirrortunnel.agent.tap.TapDriver;
import org.mirrortunnel.agent.tap.TapSession;

/**
 * Which TAP watches a port: the DPDK NSF whose configuration lists it (its own TAP, through its socket), else
 * the eBPF TAP.
 */
public final class TapRouter implements TapDriver {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private final TapDriver ebpf;
    private final List<DpdkTap> dpdk = new ArrayList<>();
    /** "netns/port" -> the DPDK NSF that owns it. */
    private final Map<String, DpdkTap> owners = new HashMap<>();
    private final Map<DpdkTap, String> namespaces = new HashMap<>();

    /** The configured DPDK NSFs around the eBPF TAP; a bad entry throws IllegalArgumentException. */
    public TapRouter(TapDriver ebpf, List<AgentConfig.DpdkNsf> nsfs, Duration timeout) {
        this.ebpf = ebpf;
        Set<String> names = new HashSet<>();
        for (AgentConfig.DpdkNsf nsf : nsfs) {
            String at = "tap.dpdk " + Validator.quote(nsf.name);
            if (nsf.name == null || !NAME.matcher(nsf.name).matches() || !names.add(nsf.name)) {
                throw new IllegalArgumentException(at + ": each DPDK NSF needs its own name (1..64 of"
                        + " [A-Za-z0-9._-])");
            }
            if (nsf.socket == null) {
                throw new IllegalArgumentException(at + ": socket (the TAP's control socket) is required");
            }
            Validator.checkNetns(at + " netns", nsf.netns);
            if (nsf.ports.isEmpty()) {
                throw new IllegalArgumentException(at + ": ports lists none");
            }
            DpdkTap tap = new DpdkTap(nsf.name, Path.of(nsf.socket), timeout);
            for (String port : nsf.ports) {
                Validator.checkIfname(at + " ports", port);
                DpdkTap other = owners.put(nsf.netns + "/" + port, tap);
                if (other != null) {
                    throw new IllegalArgumentException(at + ": port " + port + " is listed by " + other + " too");
                }
            }
            dpdk.add(tap);
            namespaces.put(tap, nsf.netns);
        }
    }

    /** "ebpf", and "dpdk" when a DPDK NSF is configured. */
    public List<String> kinds() {
        return dpdk.isEmpty() ? List.of("ebpf") : List.of("ebpf", "dpdk");
    }

    /** The DPDK NSFs, each with the namespace of its ports. */
    public Map<DpdkTap, String> dpdk() {
        return Map.copyOf(namespaces);
    }

    private TapDriver at(String netns, String dev) {
        DpdkTap nsf = owners.get(netns + "/" + dev);
        return nsf == null ? ebpf : nsf;
    }

    @Override
    public void check(TapSession s) {
        at(s.netns(), s.dev()).check(s);
    }

    @Override
    public void attach(TapSession s) {
        at(s.netns(), s.dev()).attach(s);
    }

    @Override
    public void detach(String netns, String dev, int id) {
        at(netns, dev).detach(netns, dev, id);
    }

    @Override
    public Set<Integer> sessions(String netns, String dev) {
        return at(netns, dev).sessions(netns, dev);
    }

    /** The eBPF TAP's sessions in the namespace, and those of every DPDK NSF there. */
    @Override
    public List<SessionAt> tunnelUsers(String netns, String tunnel) {
        List<SessionAt> users = new ArrayList<>(ebpf.tunnelUsers(netns, tunnel));
        namespaces.forEach((nsf, at) -> {
            if (at.equals(netns)) {
                users.addAll(nsf.tunnelUsers(netns, tunnel));
            }
        });
        return users;
    }

    @Override
    public TapCounters stats(String netns, String dev, int id) {
        return at(netns, dev).stats(netns, dev, id);
    }

    @Override
    public boolean tunnelCarrier(String netns, String dev, int id) {
        return at(netns, dev).tunnelCarrier(netns, dev, id);
    }
}
