package org.mirrortunnel.agent.tap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mirrortunnel.agent.exec.CommandRunner;

/**
 * Reads veth peers with {@code ip -j -d link} and {@code ip -j netns list-id}: the port's {@code link_index}
 * is the peer's ifindex in the namespace its {@code link_netnsid} names (or its own, without one). A peer in
 * a namespace that has no name under /run/netns is taken to be in the agent's own namespace only when that
 * namespace holds a veth with that ifindex whose own peer points back at the port.
 */
public final class IpVethPeers implements VethPeers {
    private final CommandRunner runner;
    private final String ip;

    public IpVethPeers(CommandRunner runner, String ip) {
        this.runner = runner;
        this.ip = ip;
    }

    @Override
    public Port peer(String netns, String ifname) {
        JsonObject link = JsonParser.parseString(runner.check(ip(netns, "-d", "link", "show", "dev", ifname)))
                .getAsJsonArray().get(0).getAsJsonObject();
        String kind = link.has("linkinfo") && link.getAsJsonObject("linkinfo").has("info_kind")
                ? link.getAsJsonObject("linkinfo").get("info_kind").getAsString() : null;
        if (!"veth".equals(kind) || !link.has("link_index")) {
            throw new IllegalArgumentException(ifname + " in namespace '" + netns + "' is "
                    + (kind == null ? "not a virtual link" : "a " + kind + " link") + ", not one end of a veth pair");
        }
        int index = link.get("link_index").getAsInt();
        List<String> candidates = new ArrayList<>();
        if (!link.has("link_netnsid")) {
            candidates.add(netns);
        } else {
            Optional<String> named = nsName(netns, link.get("link_netnsid").getAsInt());
            if (named.isPresent()) {
                candidates.add(named.get());
            } else if (!netns.isEmpty()) {
                candidates.add("");
            }
        }
        for (String ns : candidates) {
            for (JsonElement e : links(ns)) {
                JsonObject peer = e.getAsJsonObject();
                if (peer.get("ifindex").getAsInt() == index && pointsBack(ns, peer, netns, link)) {
                    return new Port(ns, peer.get("ifname").getAsString());
                }
            }
        }
        throw new IllegalArgumentException("the veth peer of " + ifname + " in namespace '" + netns
                + "' lives in a namespace with no name under /run/netns");
    }

    /** Whether peer (in ns) is the veth whose own peer is link (in netns). */
    private boolean pointsBack(String ns, JsonObject peer, String netns, JsonObject link) {
        if (!peer.has("link_index") || peer.get("link_index").getAsInt() != link.get("ifindex").getAsInt()) {
            return false;
        }
        if (!peer.has("link_netnsid")) {
            return ns.equals(netns);
        }
        return nsName(ns, peer.get("link_netnsid").getAsInt()).orElse("").equals(netns);
    }

    private JsonArray links(String netns) {
        return JsonParser.parseString(runner.check(ip(netns, "-d", "link", "show"))).getAsJsonArray();
    }

    /** The name of the namespace that nsid stands for, seen from netns; empty when it has none. */
    private Optional<String> nsName(String netns, int nsid) {
        String out = runner.check(ip(netns, "netns", "list-id")).strip();
        if (out.isEmpty()) {
            return Optional.empty();
        }
        for (JsonElement e : JsonParser.parseString(out).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            if (o.get("nsid").getAsInt() == nsid && o.has("name")) {
                return Optional.of(o.get("name").getAsString());
            }
        }
        return Optional.empty();
    }

    private List<String> ip(String netns, String... args) {
        List<String> argv = new ArrayList<>(List.of(ip));
        if (!netns.isEmpty()) {
            argv.addAll(List.of("-n", netns));
        }
        argv.add("-j");
        argv.addAll(List.of(args));
        return argv;
    }
}
