package org.mirrortunnel.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.Link;
import org.onosproject.net.NetworkResource;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentState;
import org.onosproject.net.intent.Key;
import org.onosproject.net.intent.MockIdGenerator;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fabric's stand-in controller as a process: ONOS's core on the fabric described by {@code fabric.json},
 * flows into the Open vSwitch bridges, link changes from OVSDB, and a control socket taking one JSON request per
 * line and answering one JSON line:
 * <pre>
 * {"op": "submit", "session": "s1", "source": "h1", "vlan": 100, "monitors": ["h2", "h3"]}
 * {"op": "withdraw", "key": "s1/h1/100"}
 * {"op": "intents"}     {"op": "calls"}
 * </pre>
 * A submit builds the app's remote-delivery intent from the agents' uplinks; the answer carries the intent's
 * state, its tree (links) and its flows. Intent events are printed on stdout, one JSON line each.
 */
public final class FabricMain {
    static final ApplicationId APP = new DefaultApplicationId(1, "org.mirrortunnel.app");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FabricTopology topology;
    private final FabricIntentService intents;

    private FabricMain(FabricTopology topology, FabricIntentService intents) {
        this.topology = topology;
        this.intents = intents;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>(Map.of("--ofctl", "ovs-ofctl",
                "--ovsdb-client", "ovsdb-client", "--ovsdb", "unix:/var/run/openvswitch/db.sock"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        if (args.length % 2 != 0 || !opts.containsKey("--topology") || !opts.containsKey("--control")) {
            System.err.println("usage: FabricMain --topology fabric.json --control SOCKET [--ofctl P] "
                    + "[--ovsdb-client P] [--ovsdb SERVER]");
            System.exit(2);
        }
        MockIdGenerator.cleanBind();
        FabricTopology topology = FabricTopology.read(Path.of(opts.get("--topology")));
        FabricIntentService intents = new FabricIntentService(new OvsFlowInstaller(topology, opts.get("--ofctl")));
        intents.addListener(e -> System.out.println(JSON.createObjectNode().put("event", e.type().toString())
                .put("key", e.subject().key().toString()).put("time_ms", System.currentTimeMillis())));
        OnosCore core = new OnosCore(topology, intents);
        try (OvsLinkMonitor monitor = new OvsLinkMonitor(opts.get("--ovsdb-client"), opts.get("--ovsdb"), topology,
                core.links())) {
            monitor.awaitInitial(10_000);
            core.awaitTopology(core.links().getLinkCount(), 10_000);
            new FabricMain(topology, intents).serve(Path.of(opts.get("--control")), core);
        }
    }

    private void serve(Path socket, OnosCore core) throws IOException {
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println(JSON.createObjectNode().put("event", "ready").put("control", socket.toString())
                    .set("onos", JSON.valueToTree(new TreeSet<>(core.components()))));
            while (true) {
                SocketChannel client = server.accept();
                Thread t = new Thread(() -> converse(client), "fabric-control");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private void converse(SocketChannel client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                StandardCharsets.UTF_8))) {
            OutputStream out = Channels.newOutputStream(client);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode reply;
                try {
                    reply = handle(JSON.readTree(line));
                } catch (IOException | RuntimeException e) {
                    reply = JSON.createObjectNode().put("error", String.valueOf(e.getMessage()));
                }
                out.write((JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            System.err.println("fabric: control connection: " + e.getMessage());
        }
    }

    JsonNode handle(JsonNode request) {
        String op = request.path("op").asText();
        switch (op) {
            case "submit": {
                String source = request.path("source").asText();
                Set<ConnectPoint> egress = new LinkedHashSet<>();
                request.path("monitors").forEach(m -> egress.add(uplink(m.asText())));
                if (egress.isEmpty() || !request.path("vlan").canConvertToInt()) {
                    throw new IllegalArgumentException("submit needs session, source, vlan and monitors");
                }
                Intent intent = RemoteDeliveryIntents.of(APP, request.path("session").asText(), source,
                        request.path("vlan").asInt(), uplink(source), egress);
                intents.submit(intent);
                return describe(intent.key());
            }
            case "withdraw": {
                Intent intent = intents.getIntent(Key.of(request.path("key").asText(), APP));
                if (intent == null) {
                    throw new IllegalArgumentException("no intent " + request.path("key").asText());
                }
                intents.withdraw(intent);
                return describe(intent.key());
            }
            case "intents": {
                ArrayNode all = JSON.createArrayNode();
                intents.getIntents().forEach(i -> all.add(describe(i.key())));
                return JSON.createObjectNode().set("intents", all);
            }
            case "calls": {
                ArrayNode calls = JSON.createArrayNode();
                intents.calls().forEach(c -> calls.add(JSON.createObjectNode().put("op", c.op())
                        .put("key", c.intent().key().toString()).put("intent", c.intent().toString())));
                return JSON.createObjectNode().set("calls", calls);
            }
            default:
                throw new IllegalArgumentException("unknown op '" + op + "'");
        }
    }

    private ConnectPoint uplink(String agent) {
        ConnectPoint cp = topology.uplinks().get(agent);
        if (cp == null) {
            throw new IllegalArgumentException("no uplink for agent '" + agent + "'");
        }
        return cp;
    }

    private ObjectNode describe(Key key) {
        IntentState state = intents.getIntentState(key);
        ObjectNode n = JSON.createObjectNode().put("key", key.toString())
                .put("state", state == null ? null : state.toString()).put("error", intents.error(key));
        ArrayNode links = n.putArray("links");
        Set<String> sorted = new TreeSet<>();
        for (Intent i : intents.getInstallableIntents(key)) {
            for (NetworkResource r : i.resources()) {
                if (r instanceof Link) {
                    sorted.add(((Link) r).src() + "-" + ((Link) r).dst());
                }
            }
        }
        sorted.forEach(links::add);
        ArrayNode flows = n.putArray("flows");
        intents.flows(key).forEach(f -> flows.add(topology.bridge(f.device()) + " " + f.addText()));
        return n;
    }
}
