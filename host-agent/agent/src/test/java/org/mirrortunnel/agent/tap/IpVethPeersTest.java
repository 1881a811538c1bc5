package org.mirrortunnel.agent.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mirrortunnel.agent.exec.CommandResult;
import org.mirrortunnel.agent.exec.RecordingRunner;

/** How a veth's peer is found from what {@code ip -j} prints (the lab tests find real ones). */
class IpVethPeersTest {
    /** Answers by the namespace an ip command runs in ("" = the agent's own) and what it asks. */
    private static RecordingRunner host(Map<String, String> links, Map<String, String> ids) {
        return new RecordingRunner(argv -> {
            String ns = argv.get(1).equals("-n") ? argv.get(2) : "";
            boolean list = argv.contains("list-id");
            String out = list ? ids.getOrDefault(ns, "[]") : links.get(ns);
            if (!list && argv.contains("dev")) {
                out = "[" + links.get(ns).replaceAll("^\\[|\\]$", "").split("(?<=\\}\\}),")[0] + "]";
            }
            return new CommandResult(0, out, "");
        });
    }

    private static String veth(int index, String name, int peerIndex, Integer nsid) {
        return "{\"ifindex\":" + index + ",\"ifname\":\"" + name + "\",\"link_index\":" + peerIndex
                + (nsid == null ? "" : ",\"link_netnsid\":" + nsid) + ",\"linkinfo\":{\"info_kind\":\"veth\"}}";
    }

    @Test
    void aPeerInANamedNamespace() {
        RecordingRunner r = host(Map.of("nsf", "[" + veth(2, "svc0", 5, 0) + "]",
                "src", "[" + veth(7, "other", 1, 3) + "," + veth(5, "eth0", 2, 0) + "]"),
                Map.of("nsf", "[{\"nsid\":0,\"name\":\"src\"}]", "src", "[{\"nsid\":0,\"name\":\"nsf\"}]"));
        assertEquals(new VethPeers.Port("src", "eth0"), new IpVethPeers(r, "ip").peer("nsf", "svc0"));
        assertEquals(List.of("ip", "-n", "nsf", "-j", "-d", "link", "show", "dev", "svc0"), r.calls.get(0));
    }

    @Test
    void aPeerInTheAgentsOwnNamespaceWhichHasNoNameThere() {
        RecordingRunner r = host(Map.of("nsf", "[" + veth(2, "svc0", 40, 1) + "]",
                "", "[" + veth(40, "h-svc0", 2, 0) + "]"),
                Map.of("nsf", "[{\"nsid\":1}]", "", "[{\"nsid\":0,\"name\":\"nsf\"}]"));
        assertEquals(new VethPeers.Port("", "h-svc0"), new IpVethPeers(r, "ip").peer("nsf", "svc0"));
    }

    @Test
    void aPeerThatDoesNotPointBackIsNotTaken() {
        RecordingRunner r = host(Map.of("nsf", "[" + veth(2, "svc0", 40, 1) + "]",
                "", "[" + veth(40, "h-other", 9, 0) + "]"),
                Map.of("nsf", "[{\"nsid\":1}]", "", "[{\"nsid\":0,\"name\":\"nsf\"}]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IpVethPeers(r, "ip").peer("nsf", "svc0"));
        assertTrue(e.getMessage().contains("lives in a namespace with no name"), e.getMessage());
    }

    @Test
    void aPortThatIsNoVethHasNoPeer() {
        RecordingRunner r = host(Map.of("nsf", "[{\"ifindex\":3,\"ifname\":\"br0\",\"linkinfo\":{\"info_kind\":"
                + "\"bridge\"}}]"), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IpVethPeers(r, "ip").peer("nsf", "br0"));
        assertEquals("br0 in namespace 'nsf' is a bridge link, not one end of a veth pair", e.getMessage());
    }
}
