package org.mirrortunnel.agent.core;

import io.grpc.Status;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.SourcePort;
import org.mirrortunnel.agent.api.v1.TapAt;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.agent.nic.VfId;

/**
 * Checks a binding on its own and against the inventory before anything is touched. Every failure is
 * INVALID_ARGUMENT with a message that names the field and quotes at most {@link #QUOTED} characters of
 * the value, so that an answer stays far below what a gRPC status trailer may hold (8 KiB).
 */
public final class Validator {
    public static final int MAX_VLANS = 8;
    /** Characters of a bad value that a message quotes. */
    static final int QUOTED = 40;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /**
     * Interface names: 1..15 characters (IFNAMSIZ - 1); no '/', ':', whitespace; no leading '-', which
     * the programs the agent runs would read as an option.
     */
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9._@][A-Za-z0-9._@-]{0,14}");
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]{0,63}");
    /** The longest address or prefix text ("ffff:...:ffff/128" is 43). */
    private static final int MAX_PREFIX = 64;
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*");
    private static final Set<Integer> PORT_PROTOCOLS = Set.of(6, 17, 132);

    private final Inventory inventory;
    private final int vlanMin;
    private final int vlanMax;

    public Validator(Inventory inventory, int vlanMin, int vlanMax) {
        this.inventory = inventory;
        this.vlanMin = vlanMin;
        this.vlanMax = vlanMax;
    }

    public static void checkId(String field, String id) {
        if (!ID.matcher(id).matches()) {
            throw invalid(field + ": " + quote(id) + " is not 1..64 characters of [A-Za-z0-9._:-]");
        }
    }

    public static void checkIfname(String field, String name) {
        if (name == null || !IFNAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw invalid(field + ": " + quote(name)
                    + " is not an interface name (1..15 of [A-Za-z0-9._@-], not starting with '-')");
        }
    }

    public static void checkNetns(String field, String name) {
        if (!name.isEmpty() && (!NETNS.matcher(name).matches() || name.equals(".") || name.equals(".."))) {
            throw invalid(field + ": " + quote(name)
                    + " is not a namespace name (1..64 of [A-Za-z0-9._-], not starting with '-')");
        }
    }

    /** A value for a message: in quotes, cut to {@link #QUOTED} characters (saying how long it was). */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= QUOTED ? "'" + value + "'"
                : "'" + value.substring(0, QUOTED) + "...' (" + value.length() + " characters)";
    }

    /** Checks one binding; field names in messages are prefixed with {@code at} ("" or "bindings[2]."). */
    public void validate(Binding b, String at) {
        checkId(at + "id", b.getId());
        if (b.getSourcesCount() == 0 && b.getMonitorsCount() == 0) {
            throw invalid(at + "sources/monitors: a binding needs a source port or a monitor");
        }
        checkVlans(b, at);
        if (b.getTapAt() != TapAt.FRONT_END && b.getTapAt() != TapAt.BACK_END) {
            throw invalid(at + "tap_at: must be FRONT_END or BACK_END");
        }
        Set<String> ports = new HashSet<>();
        Set<VfId> tunnels = new HashSet<>();
        for (int i = 0; i < b.getSourcesCount(); i++) {
            SourcePort s = b.getSources(i);
            String f = at + "sources[" + i + "].";
            checkNetns(f + "netns", s.getNetns());
            checkIfname(f + "ifname", s.getIfname());
            if (!ports.add(s.getNetns() + "/" + s.getIfname())) {
                throw invalid(f + "ifname: port " + s.getIfname() + " is listed twice");
            }
            inventory.at(s.getNetns(), s.getIfname()).ifPresent(vf -> {
                throw invalid(f + "ifname: " + s.getIfname() + " is VF " + vf.id() + " of this host's NIC; a source"
                        + " port is a network function's service interface, never a VF of the inventory");
            });
            VfId tunnel = VfId.of(s.getTunnel());
            Inventory.Vf vf = inventoryVf(f + "tunnel", tunnel, VfRole.TUNNEL);
            if (vf.ifname().isEmpty()) {
                throw invalid(f + "tunnel: nobody can tell where the netdev of VF " + tunnel + " is (give its netns"
                        + " and ifname in the agent's inventory)");
            }
            // At the back end the tunnel lives with the port's veth peer, which the planner reads from the host.
            if (b.getTapAt() == TapAt.FRONT_END && !vf.netns().equals(s.getNetns())) {
                throw invalid(f + "tunnel: VF " + tunnel + " lives in namespace '" + vf.netns()
                        + "', not in the source's '" + s.getNetns() + "'");
            }
            if (!tunnels.add(tunnel)) {
                throw invalid(f + "tunnel: VF " + tunnel + " already carries another port of this binding");
            }
        }
        if (b.getSourcesCount() > 0) {
            if (b.getDirection() != Direction.RX && b.getDirection() != Direction.TX
                    && b.getDirection() != Direction.BOTH) {
                throw invalid(at + "direction: must be RX, TX or BOTH");
            }
            checkFilter(b.getFilter(), at + "filter.");
        }
        if (b.getSnaplen() != 0 && (b.getSnaplen() < 64 || b.getSnaplen() > 65535)) {
            throw invalid(at + "snaplen: " + b.getSnaplen() + " is not 0 or 64..65535");
        }
        if (b.getSampleEvery() < 0) {
            throw invalid(at + "sample_every: " + Integer.toUnsignedString(b.getSampleEvery()) + " is too large");
        }
        Set<VfId> monitors = new HashSet<>();
        for (int i = 0; i < b.getMonitorsCount(); i++) {
            MonitorPort m = b.getMonitors(i);
            VfId id = VfId.of(m.getVf());
            inventoryVf(at + "monitors[" + i + "].vf", id, VfRole.MONITOR);
            if (!monitors.add(id)) {
                throw invalid(at + "monitors[" + i + "].vf: VF " + id + " is listed twice");
            }
        }
    }

    private void checkVlans(Binding b, String at) {
        if (b.getVlansCount() == 0 || b.getVlansCount() > MAX_VLANS) {
            throw invalid(at + "vlans: a binding has 1.." + MAX_VLANS + " VLANs, not " + b.getVlansCount());
        }
        Set<Integer> seen = new HashSet<>();
        for (int v : b.getVlansList()) {
            if (v < 1 || v > 4094) {
                throw invalid(at + "vlans: " + Integer.toUnsignedString(v) + " is not a VLAN id (1..4094)");
            }
            if (v < vlanMin || v > vlanMax) {
                throw invalid(at + "vlans: " + v + " is outside this host's pool " + vlanMin + ".." + vlanMax);
            }
            if (!seen.add(v)) {
                throw invalid(at + "vlans: " + v + " is listed twice");
            }
        }
    }

    private Inventory.Vf inventoryVf(String field, VfId id, VfRole role) {
        if (!IFNAME.matcher(id.pf()).matches()) {
            throw invalid(field + ": PF " + quote(id.pf()) + " is not an interface name");
        }
        if (inventory.get(id).isEmpty()) {
            inventory.refresh(); // the VF may have appeared on the NIC since the inventory was read
        }
        Inventory.Vf vf = inventory.get(id).orElseThrow(
                () -> invalid(field + ": VF " + id + " is not in this host's inventory"));
        if (vf.role() != role) {
            throw invalid(field + ": VF " + id + (vf.role() == VfRole.VF_ROLE_UNSPECIFIED
                    ? " is not one this agent may use (its configuration gives it no role)"
                    : " is a " + vf.role().name().toLowerCase() + " VF") + ", not a " + role.name().toLowerCase() + " VF");
        }
        return vf;
    }

    /**
     * Prefixes (src, dst, and the either-side prefix) must be of one family; ports (src, dst, either side)
     * need a protocol that has them.
     */
    private static void checkFilter(Filter f, String at) {
        int family = 0;
        String[][] prefixes = {{"src_prefix", f.getSrcPrefix()}, {"dst_prefix", f.getDstPrefix()},
            {"prefix", f.getPrefix()}};
        String first = null;
        for (String[] p : prefixes) {
            int fam = prefixFamily(at + p[0], p[1]);
            if (fam == 0) {
                continue;
            }
            if (family != 0 && fam != family) {
                throw invalid(at + p[0] + ": IPv" + fam + ", but " + first + " is IPv" + family
                        + " (the prefixes of a filter are of one family)");
            }
            family = fam;
            first = p[0];
        }
        int proto = f.getIpProtocol();
        if (proto < 0 || proto > 255) {
            throw invalid(at + "ip_protocol: " + Integer.toUnsignedString(proto) + " is not 0..255");
        }
        int[] ports = {f.getSrcPort(), f.getDstPort(), f.getPort()};
        String[] names = {"src_port", "dst_port", "port"};
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] < 0 || ports[i] > 65535) {
                throw invalid(at + names[i] + ": " + Integer.toUnsignedString(ports[i]) + " is not 0..65535");
            }
            if (ports[i] != 0 && !PORT_PROTOCOLS.contains(proto)) {
                throw invalid(at + names[i] + ": a port needs ip_protocol TCP (6), UDP (17) or SCTP (132)");
            }
        }
    }

    /** 0 for unset, else 4 or 6; host bits must be zero. */
    private static int prefixFamily(String field, String prefix) {
        if (prefix.isEmpty()) {
            return 0;
        }
        if (prefix.length() > MAX_PREFIX) {
            throw invalid(field + ": " + quote(prefix) + " is not an address or prefix (at most " + MAX_PREFIX
                    + " characters)");
        }
        String[] parts = prefix.split("/", -1);
        if (parts.length > 2 || !IP_LITERAL.matcher(parts[0]).matches()) {
            throw invalid(field + ": " + quote(prefix) + " is not an address or prefix");
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(parts[0]).getAddress();
        } catch (UnknownHostException e) {
            throw invalid(field + ": " + quote(prefix) + " is not an address or prefix");
        }
        int bits = addr.length * 8;
        int len = bits;
        if (parts.length == 2) {
            try {
                len = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                len = -1;
            }
            if (len < 0 || len > bits) {
                throw invalid(field + ": prefix length in " + quote(prefix) + " is not 0.." + bits);
            }
        }
        for (int i = len; i < bits; i++) {
            if ((addr[i / 8] & (0x80 >> (i % 8))) != 0) {
                throw invalid(field + ": " + quote(prefix) + " has host bits set");
            }
        }
        return addr.length == 4 ? 4 : 6;
    }

    public static io.grpc.StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
