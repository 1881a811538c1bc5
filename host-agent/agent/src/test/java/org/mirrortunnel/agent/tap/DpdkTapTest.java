package org.mirrortunnel.agent.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.TapRefusedException;

/** The DPDK driver's requests and its reading of replies, against a scripted NSF on a real Unix socket. */
class DpdkTapTest {
    private static final String SHOW = "{\"ok\":true,\"tunnels\":[{\"tunnel\":\"net_af_packet2\",\"ifname\":\"tun0\","
            + "\"up\":true}],\"ports\":[{\"port\":\"net_af_packet0\",\"ifname\":\"n0\",\"sessions\":[{\"session\":3,"
            + "\"tunnel\":\"net_af_packet2\",\"tunnel_up\":false,\"active\":false}]}]}";

    @TempDir
    Path dir;
    private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    /** A scripted NSF: each connection gets one reply per request line. */
    private DpdkTap nsf(Function<JsonObject, String> reply) throws IOException {
        Path socket = dir.resolve("ctl");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            while (true) {
                try (SocketChannel ch = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                            StandardCharsets.UTF_8));
                    OutputStream out = Channels.newOutputStream(ch);
                    for (String line; (line = in.readLine()) != null; ) {
                        JsonObject r = JsonParser.parseString(line).getAsJsonObject();
                        requests.add(r);
                        out.write((reply.apply(r) + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return new DpdkTap("l2fwd", socket, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void attachSendsTheWholeSessionAsSet() throws IOException {
        DpdkTap tap = nsf(r -> "{\"ok\":true}");
        tap.attach(new TapSession("ns", "n0", 3, "tun0", Direction.RX, List.of(100, 101), 0, 128,
                Filter.newBuilder().setSrcPrefix("10.1.0.0/16").setIpProtocol(17).setDstPort(53)
                        .setPrefix("192.0.2.0/24").setPort(5000).build()));

        assertEquals(JsonParser.parseString("{\"cmd\":\"set\",\"port\":\"n0\",\"session\":3,\"tunnel\":\"tun0\","
                + "\"direction\":\"rx\",\"vlans\":[100,101],\"sample\":1,\"snaplen\":128,\"filter\":{\"src\":"
                + "\"10.1.0.0/16\",\"net\":\"192.0.2.0/24\",\"proto\":17,\"dport\":53,\"port\":5000}}"), requests.get(0));

        tap.attach(new TapSession("ns", "n0", 3, "tun0", Direction.BOTH, List.of(7), 4, 0, Filter.getDefaultInstance()));
        assertFalse(requests.get(1).has("filter"), "an empty filter is left out");
        assertEquals("both", requests.get(1).get("direction").getAsString());
        assertEquals(4, requests.get(1).get("sample").getAsInt());
    }

    @Test
    void aRefusalCarriesTheNsfsMessage() throws IOException {
        DpdkTap tap = nsf(r -> "{\"ok\":false,\"error\":\"tunnel: no tunnel 'tun9' on this TAP\"}");
        TapRefusedException e = assertThrows(TapRefusedException.class, () -> tap.attach(new TapSession("ns", "n0", 1,
                "tun9", Direction.BOTH, List.of(7), 0, 0, Filter.getDefaultInstance())));
        assertEquals("DPDK NSF 'l2fwd' refused set: tunnel: no tunnel 'tun9' on this TAP", e.getMessage());
    }

    @Test
    void sessionsCarrierAndCountersComeFromShowAndStats() throws IOException {
        DpdkTap tap = nsf(r -> switch (r.get("cmd").getAsString()) {
            case "show" -> SHOW;
            case "stats" -> "{\"ok\":true,\"stats\":[{\"port\":\"net_af_packet0\",\"session\":3,\"seen\":9,"
                    + "\"mirrored\":5,\"filtered\":2,\"sampled\":1,\"errors\":1,\"lcores\":[]}]}";
            default -> "{\"ok\":false,\"error\":\"unexpected\"}";
        });
        assertEquals(Set.of(3), tap.sessions("ns", "n0"));
        assertEquals(Set.of(3), tap.sessions("ns", "net_af_packet0"), "a port goes by either name");
        assertFalse(tap.tunnelCarrier("ns", "n0", 3));
        var c = tap.stats("ns", "n0", 3);
        assertEquals(List.of(9L, 5L, 2L, 1L, 1L), List.of(c.getSeen(), c.getMirrored(), c.getFiltered(),
                c.getSampled(), c.getErrors()));
        assertEquals("n0", requests.get(requests.size() - 1).get("port").getAsString());
        ExecException e = assertThrows(ExecException.class, () -> tap.sessions("ns", "n9"));
        assertEquals("DPDK NSF 'l2fwd' has no port n9", e.getMessage());
    }

    @Test
    void checkRefusesATunnelTheNsfDoesNotHave() throws IOException {
        DpdkTap tap = nsf(r -> SHOW);
        tap.check(new TapSession("ns", "n0", 1, "tun0", Direction.BOTH, List.of(7), 0, 0, Filter.getDefaultInstance()));
        ExecException e = assertThrows(ExecException.class, () -> tap.check(new TapSession("ns", "n0", 1, "tun1",
                Direction.BOTH, List.of(7), 0, 0, Filter.getDefaultInstance())));
        assertEquals("DPDK NSF 'l2fwd' has no tunnel port tun1 (its tunnels: tun0)", e.getMessage());
    }

    @Test
    void theSessionsOnATunnelGoByItsInterfaceAndAnNsfThatIsGoneHasNone() throws IOException {
        assertEquals(List.of(), new DpdkTap("away", dir.resolve("nothing-here"), Duration.ofSeconds(1))
                .tunnelUsers("ns", "tun0"));
        DpdkTap tap = nsf(r -> SHOW);
        assertEquals(List.of(new TapDriver.SessionAt("ns", "n0", 3)), tap.tunnelUsers("ns", "tun0"));
        assertEquals(List.of(), tap.tunnelUsers("ns", "tun1"));
    }

    @Test
    void detachingFromAnNsfThatIsGoneOrASessionThatIsGoneSucceeds() throws IOException {
        new DpdkTap("away", dir.resolve("nothing-here"), Duration.ofSeconds(1)).detach("ns", "n0", 3);
        DpdkTap tap = nsf(r -> r.get("cmd").getAsString().equals("show") ? SHOW
                : "{\"ok\":false,\"error\":\"session: port net_af_packet0 has no session 4\"}");
        tap.detach("ns", "n0", 4);
        assertEquals(List.of("remove", "show"), requests.stream().map(r -> r.get("cmd").getAsString()).toList());
        assertThrows(TapRefusedException.class, () -> tap.detach("ns", "n0", 3), "session 3 is still there");
    }

    @Test
    void anNsfThatDoesNotAnswerInTimeIsAFailure() throws IOException {
        Path socket = dir.resolve("mute");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        ExecException e = assertThrows(ExecException.class,
                () -> new DpdkTap("mute", socket, Duration.ofMillis(200)).sessions("ns", "n0"));
        assertTrue(e.getMessage().contains("no reply within 200 ms"), e.getMessage());
    }
}
