package org.mirrortunnel.agent.nic;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mirrortunnel.agent.api.v1.VfCounters;
import org.mirrortunnel.agent.exec.CommandRunner;

/**
 * The emulated SR-IOV NIC (native-tap/nic), driven through {@code nicemu vf get|set} in the i40e vocabulary;
 * {@code nicemu pf show} reports its VFs and where their netdevs live.
 */
public final class EmulatedNic extends VfdNic {
    private final CommandRunner runner;
    private final String nicemu;

    public EmulatedNic(CommandRunner runner, String nicemu) {
        this.runner = runner;
        this.nicemu = nicemu;
    }

    @Override
    public String name() {
        return "emulated";
    }

    @Override
    public List<NicVf> vfs(String pf) {
        JsonArray pfs = JsonParser.parseString(runner.check(List.of(nicemu, "-j", "pf", "show", pf))).getAsJsonArray();
        List<NicVf> vfs = new ArrayList<>();
        for (JsonElement p : pfs) {
            if (!p.getAsJsonObject().get("pf").getAsString().equals(pf)) {
                continue;
            }
            for (JsonElement e : p.getAsJsonObject().getAsJsonArray("vfs")) {
                JsonObject v = e.getAsJsonObject();
                vfs.add(new NicVf(v.get("vf").getAsInt(), v.get("netns").getAsString(), v.get("ifname").getAsString(),
                        v.get("mac").getAsString()));
            }
        }
        return vfs;
    }

    @Override
    public Set<Capability> capabilities(VfId vf) {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    protected String read(VfId vf, String attribute) {
        return get(vf, attribute).get(attribute).getAsString();
    }

    @Override
    protected void write(VfId vf, String attribute, String value) {
        runner.check(List.of(nicemu, "vf", "set", vf.pf(), Integer.toString(vf.vf()), attribute, value));
    }

    @Override
    public VfCounters stats(VfId vf) {
        JsonObject s = get(vf, "stats");
        return VfCounters.newBuilder().setVf(vf.toRef())
                .setRxPackets(s.get("rx_packets").getAsLong()).setRxBytes(s.get("rx_bytes").getAsLong())
                .setRxDropped(s.get("rx_dropped").getAsLong()).setTxPackets(s.get("tx_packets").getAsLong())
                .setTxBytes(s.get("tx_bytes").getAsLong()).setTxDropped(s.get("tx_dropped").getAsLong()).build();
    }

    private JsonObject get(VfId vf, String attribute) {
        String out = runner.check(List.of(nicemu, "-j", "vf", "get", vf.pf(), Integer.toString(vf.vf()), attribute));
        return JsonParser.parseString(out).getAsJsonObject();
    }
}
