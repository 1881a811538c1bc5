package org.mirrortunnel.agent.nic;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.mirrortunnel.agent.api.v1.VfCounters;
import org.mirrortunnel.agent.exec.CommandRunner;
import org.mirrortunnel.agent.exec.ExecException;

/**
 * Intel i40e with the out-of-tree driver's VFd interface: {@code <sysfs>/class/net/<pf>/device/sriov/<vf>/}.
 * Link state goes through that directory's link_state file, or through {@code ip link set <pf> vf <n> state}
 * where the driver has no such file.
 */
public final class I40eSysfsNic extends VfdNic {
    private final Path sysfsRoot;
    private final CommandRunner runner;
    private final String ip;

    public I40eSysfsNic(Path sysfsRoot, CommandRunner runner, String ip) {
        this.sysfsRoot = sysfsRoot;
        this.runner = runner;
        this.ip = ip;
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
            return Files.readString(attr(vf, attribute));
        } catch (IOException e) {
            throw new ExecException("cannot read " + attr(vf, attribute) + ": " + describe(e), e);
        }
    }

    /** One write(2) of the whole value, as sysfs wants it. */
    @Override
    protected void write(VfId vf, String attribute, String value) {
        Path p = attr(vf, attribute);
        try {
            Files.write(p, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
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
