package org.mirrortunnel.agent.nic;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mirrortunnel.agent.api.v1.VfCounters;
import org.mirrortunnel.agent.exec.CommandRunner;
import org.mirrortunnel.agent.exec.ExecException;

/**
 * Intel i40e with the out-of-tree driver's VFd interface: {@code <sysfs>/class/net/<pf>/device/sriov/<vf>/}.
 * Link state goes through that directory's link_state file, or through {@code ip link set <pf> vf <n> state}
 * where the driver has no such file.
 */
public final class I40eSysfsNic extends VfdNic {
    private static final Pattern VIRTFN = Pattern.compile("virtfn(\\d+)");
    private final Path sysfsRoot;
    private final CommandRunner runner;
    private final String ip;
    private final SysfsFiles files;

    public I40eSysfsNic(Path sysfsRoot, CommandRunner runner, String ip) {
        this(sysfsRoot, runner, ip, SysfsFiles.REAL);
    }

    I40eSysfsNic(Path sysfsRoot, CommandRunner runner, String ip, SysfsFiles files) {
        this.sysfsRoot = sysfsRoot;
        this.runner = runner;
        this.ip = ip;
        this.files = files;
    }

    /** The PF's VFd directory; present only with the out-of-tree driver. */
    public static Path sriovDir(Path sysfsRoot, String pf) {
        return sysfsRoot.resolve("class/net").resolve(pf).resolve("device/sriov");
    }

    private Path attr(VfId vf, String attribute) {
        return sriovDir(sysfsRoot, vf.pf()).resolve(Integer.toString(vf.vf())).resolve(attribute);
    }

    @Override
    public String name() {
        return "i40e";
    }

    /**
     * The PF's VFs: the VFd directories {@code sriov/<n>} and the PCI links {@code virtfn<n>}. A VF's netdev is
     * found under {@code virtfn<n>/net/} while it is in the agent's namespace, else in the named namespace
     * whose link has the VF's PCI address as its parent device ({@code ip -d link}); in a VM it is unknown.
     */
    @Override
    public List<NicVf> vfs(String pf) {
        Path device = sysfsRoot.resolve("class/net").resolve(pf).resolve("device");
        if (!Files.isDirectory(device)) {
            throw new ExecException("no PF " + pf + " under " + device.getParent().getParent());
        }
        Set<Integer> indexes = new TreeSet<>();
        for (String name : names(sriovDir(sysfsRoot, pf))) {
            if (name.matches("\\d{1,3}")) {
                indexes.add(Integer.parseInt(name));
            }
        }
        for (String name : names(device)) {
            Matcher m = VIRTFN.matcher(name);
            if (m.matches()) {
                indexes.add(Integer.parseInt(m.group(1)));
            }
        }
        Map<String, String[]> elsewhere = null;
        List<NicVf> vfs = new ArrayList<>();
        for (int n : indexes) {
            VfId vf = new VfId(pf, n);
            Path fn = device.resolve("virtfn" + n);
            List<String> here = names(fn.resolve("net"));
            String mac = Files.exists(attr(vf, "mac")) ? read(vf, "mac").strip() : "";
            if (here.size() == 1) {
                vfs.add(new NicVf(n, "", here.get(0), mac));
                continue;
            }
            String pci = pciAddress(fn);
            if (pci.isEmpty()) {
                vfs.add(new NicVf(n, null, "", mac)); // no PCI function to look for
                continue;
            }
            if (elsewhere == null) {
                elsewhere = netdevsInNamespaces();
            }
            String[] at = elsewhere.get(pci);
            vfs.add(at == null ? new NicVf(n, null, "", mac) : new NicVf(n, at[0], at[1], mac));
        }
        return vfs;
    }

    private static String pciAddress(Path virtfn) {
        try {
            return Files.readSymbolicLink(virtfn).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** PCI address -> {namespace, ifname} of the netdevs in the named namespaces. */
    private Map<String, String[]> netdevsInNamespaces() {
        Map<String, String[]> found = new HashMap<>();
        for (JsonElement ns : parseArray(runner.check(List.of(ip, "-j", "netns", "list")))) {
            String name = ns.getAsJsonObject().get("name").getAsString();
            String links;
            try {
                links = runner.check(List.of(ip, "-n", name, "-d", "-j", "link", "show"));
            } catch (ExecException gone) {
                continue; // the namespace went away meanwhile
            }
            for (JsonElement l : parseArray(links)) {
                JsonObject link = l.getAsJsonObject();
                if (link.has("parentdev") && link.has("ifname")) {
                    found.put(link.get("parentdev").getAsString(), new String[] {name, link.get("ifname").getAsString()});
                }
            }
        }
        return found;
    }

    private static JsonArray parseArray(String json) {
        return json.isBlank() ? new JsonArray() : JsonParser.parseString(json).getAsJsonArray();
    }

    private static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new ExecException("cannot list " + dir + ": " + describe(e), e);
        }
    }

    @Override
    public Set<Capability> capabilities(VfId vf) {
        Set<Capability> caps = EnumSet.of(Capability.LINK_STATE);
        if (Files.exists(attr(vf, "vlan_mirror"))) {
            caps.add(Capability.VLAN_MIRROR);
        }
        if (Files.exists(attr(vf, "loopback"))) {
            caps.add(Capability.LOOPBACK);
        }
        return caps;
    }

    @Override
    protected String read(VfId vf, String attribute) {
        try {
            return files.read(attr(vf, attribute));
        } catch (IOException e) {
            throw new ExecException("cannot read " + attr(vf, attribute) + ": " + describe(e), e);
        }
    }

    @Override
    protected void write(VfId vf, String attribute, String value) {
        Path p = attr(vf, attribute);
        try {
            files.write(p, value);
        } catch (IOException e) {
            throw new ExecException("write '" + value + "' to " + p + " failed: " + describe(e), e);
        }
    }

    /** Refuses, writing nothing, what would take the VF past the driver's limit of mirrored VLANs. */
    @Override
    public void addVlanMirror(VfId vf, Set<Integer> vlans) {
        if (vlans.isEmpty()) {
            return;
        }
        Set<Integer> union = new TreeSet<>(vlanMirror(vf));
        union.addAll(vlans);
        if (union.size() > MAX_VLAN_MIRROR) {
            throw new ExecException("VF " + vf + " would mirror " + union.size() + " VLANs, at most "
                    + MAX_VLAN_MIRROR);
        }
        super.addVlanMirror(vf, vlans);
    }

    @Override
    public String linkState(VfId vf) {
        if (Files.exists(attr(vf, "link_state"))) {
            return super.linkState(vf);
        }
        JsonElement links = JsonParser.parseString(runner.check(List.of(ip, "-j", "link", "show", "dev", vf.pf())));
        for (JsonElement info : links.getAsJsonArray().get(0).getAsJsonObject().getAsJsonArray("vfinfo_list")) {
            if (info.getAsJsonObject().get("vf").getAsInt() == vf.vf()) {
                return info.getAsJsonObject().get("link_state").getAsString();
            }
        }
        throw new ExecException("ip link shows no VF " + vf.vf() + " on " + vf.pf());
    }

    @Override
    public void setLinkState(VfId vf, String state) {
        if (Files.exists(attr(vf, "link_state"))) {
            super.setLinkState(vf, state);
        } else {
            runner.check(List.of(ip, "link", "set", "dev", vf.pf(), "vf", Integer.toString(vf.vf()), "state", state));
        }
    }

    @Override
    public VfCounters stats(VfId vf) {
        return VfCounters.newBuilder().setVf(vf.toRef())
                .setRxPackets(counter(vf, "rx_packets")).setRxBytes(counter(vf, "rx_bytes"))
                .setRxDropped(counter(vf, "rx_dropped")).setTxPackets(counter(vf, "tx_packets"))
                .setTxBytes(counter(vf, "tx_bytes")).setTxDropped(counter(vf, "tx_dropped")).build();
    }

    private long counter(VfId vf, String name) {
        return Long.parseLong(read(vf, "stats/" + name).strip());
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException ? "no such file (is the out-of-tree i40e driver loaded?)"
                : String.valueOf(e.getMessage());
    }
}
