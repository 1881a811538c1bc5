package org.mirrortunnel.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.web.ApiError;
import org.mirrortunnel.app.web.MirrorCodecRegistrator;
import org.mirrortunnel.app.web.SessionRequests;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;
import org.onosproject.codec.impl.CodecManager;
import org.onosproject.net.Link;
import org.onosproject.net.NetworkResource;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentState;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fabric's stand-in for ONOS as a process: ONOS's core on the fabric described by {@code fabric.json} (flows
 * into the Open vSwitch bridges, link changes from OVSDB), the network config uploaded from {@code netcfg.json},
 * and the Mirror Tunnel app's own components on it. A control socket takes one JSON request per line and answers
 * one JSON line; sessions go through the app's admin service, with the JSON its REST API takes:
 * <pre>
 * {"op": "create", "session": {"name": "s1", "sources": ["h1:ns/svc0"], "monitors": ["h2:ns/mon0"]}}
 * {"op": "remove", "id": "ms-..."}     {"op": "session", "id": "ms-..."}     {"op": "sessions"}
 * {"op": "agents"}     {"op": "intents"}     {"op": "calls"}
 * </pre>
 * A refusal answers {@code {"error", "code", "field"}} as the REST API's error model. Intent events are printed
 * on stdout, one JSON line each.
 */
public final class FabricMain implements CodecContext {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FabricTopology topology;
    private final FabricIntentService intents;
    private final MirrorApp app;
    private final CodecManager codecs = new CodecManager();

    private FabricMain(FabricTopology topology, FabricIntentService intents, MirrorApp app) {
        this.topology = topology;
        this.intents = intents;
        this.app = app;
        codecs.activate();
        MirrorCodecRegistrator registrator = new MirrorCodecRegistrator();
        Components.set(registrator, "codecService", codecs);
        Components.call(registrator, "activate");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("--ofctl", "ovs-ofctl",
                "--ovsdb-client", "ovsdb-client", "--ovsdb", "unix:/var/run/openvswitch/db.sock"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        if (args.length % 2 != 0 || !opts.containsKey("--topology") || !opts.containsKey("--netcfg")
                || !opts.containsKey("--control")) {
            System.err.println("usage: FabricMain --topology fabric.json --netcfg netcfg.json --control SOCKET "
                    + "[--cfg NAME=N,...] [--ofctl P] [--ovsdb-client P] [--ovsdb SERVER]");
            System.exit(2);
        }
        MockIdGenerator.cleanBind();
        FabricTopology topology = FabricTopology.read(Path.of(opts.get("--topology")));
        FabricIntentService intents = new FabricIntentService(new OvsFlowInstaller(topology, opts.get("--ofctl")));
        intents.addListener(e -> System.out.println(JSON.createObjectNode().put("event", e.type().toString())
                .put("key", e.subject().key().toString()).put("time_ms", System.currentTimeMillis())));
        AppIds core = new AppIds();
        OnosCore onos = new OnosCore(topology, intents, core);
        try (OvsLinkMonitor monitor = new OvsLinkMonitor(opts.get("--ovsdb-client"), opts.get("--ovsdb"), topology,
                onos.links())) {
            monitor.awaitInitial(10_000);
            onos.awaitTopology(onos.links().getLinkCount(), 10_000);
            FabricNetworkConfig netcfg = new FabricNetworkConfig(core);
            netcfg.upload(JSON.readTree(Path.of(opts.get("--netcfg")).toFile()));
            // The agent programmer's component config, as `cfg set` gives it (e.g. statsSeconds=2).
            Map<String, Object> properties = new HashMap<>();
            for (String setting : opts.getOrDefault("--cfg", "").split(",")) {
                if (!setting.isEmpty()) {
                    String[] kv = setting.split("=", 2);
                    properties.put(kv[0], Integer.parseInt(kv[1]));
                }
            }
            MirrorApp app = new MirrorApp(core, intents, netcfg, new FabricHosts(topology), true, properties);
            new FabricMain(topology, intents, app).serve(Path.of(opts.get("--control")), onos);
        }
    }

    private void serve(Path socket, OnosCore onos) throws IOException {
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println(JSON.createObjectNode().put("event", "ready").put("control", socket.toString())
                    .set("onos", JSON.valueToTree(new TreeSet<>(onos.components()))));
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
                } catch (ApiError e) {
                    reply = error(e);
                } catch (MirrorException e) {
                    reply = error(ApiError.of(e));
                } catch (IOException | IllegalArgumentException e) {
                    reply = JSON.createObjectNode().put("error", String.valueOf(e.getMessage())).put("code", 400)
                            .putNull("field");
                } catch (RuntimeException e) {
                    reply = JSON.createObjectNode().put("error", e.toString()).put("code", 500).putNull("field");
                }
                out.write((JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            System.err.println("fabric: control connection: " + e.getMessage());
        }
    }

    private static ObjectNode error(ApiError e) {
        return JSON.createObjectNode().put("error", e.getMessage()).put("code", e.status()).put("field", e.field());
    }

    JsonNode handle(JsonNode request) {
        String op = request.path("op").asText();
        MirrorAdminService admin = app.manager();
        switch (op) {
            case "create": {
                if (!request.path("session").isObject()) {
                    throw ApiError.badField("session", "create needs the session as the REST API takes it");
                }
                MirrorSession asked = SessionRequests.decode((ObjectNode) request.get("session"), this, admin);
                return session(admin.createSession(asked));
            }
            case "remove":
                return session(admin.removeSession(id(request)));
            case "session":
                return session(admin.getSession(id(request)).orElseThrow(() ->
                        new MirrorException(MirrorException.Reason.NOT_FOUND, "id", "no session " + id(request))));
            case "sessions": {
                ArrayNode all = JSON.createArrayNode();
                admin.getSessions().forEach(s -> all.add(codec(MirrorSession.class).encode(s, this)));
                return JSON.createObjectNode().set("sessions", all);
            }
            case "agents": {
                ArrayNode all = JSON.createArrayNode();
                admin.getAgents().forEach(a -> all.add(codec(AgentStatus.class).encode(a, this)));
                return JSON.createObjectNode().set("agents", all);
            }
            case "intents": {
                ArrayNode all = JSON.createArrayNode();
                intents.getIntents().forEach(i -> all.add(describe(i)));
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

    private static MirrorSessionId id(JsonNode request) {
        if (!request.path("id").isTextual()) {
            throw ApiError.badField("id", "the request needs the session's id");
        }
        return MirrorSessionId.of(request.get("id").asText());
    }

    private ObjectNode session(MirrorSession s) {
        return JSON.createObjectNode().set("session", codec(MirrorSession.class).encode(s, this));
    }

    /** An intent as the controller holds it: key, type, app, state, tree (links) and flows on the switches. */
    private ObjectNode describe(Intent intent) {
        IntentState state = intents.getIntentState(intent.key());
        ObjectNode n = JSON.createObjectNode().put("key", intent.key().toString())
                .put("type", intent.getClass().getSimpleName()).put("app", intent.appId().name())
                .put("state", state == null ? null : state.toString()).put("error", intents.error(intent.key()));
        ArrayNode links = n.putArray("links");
        Set<String> sorted = new TreeSet<>();
        for (Intent i : intents.getInstallableIntents(intent.key())) {
            for (NetworkResource r : i.resources()) {
                if (r instanceof Link) {
                    sorted.add(((Link) r).src() + "-" + ((Link) r).dst());
                }
            }
        }
        sorted.forEach(links::add);
        ArrayNode flows = n.putArray("flows");
        List.copyOf(intents.flows(intent.key())).forEach(f -> flows.add(topology.bridge(f.device()) + " "
                + f.addText()));
        return n;
    }

    @Override
    public ObjectMapper mapper() {
        return JSON;
    }

    @Override
    public <T> JsonCodec<T> codec(Class<T> entityClass) {
        return codecs.getCodec(entityClass);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getService(Class<T> serviceClass) {
        if (serviceClass.isInstance(app.manager())) {
            return (T) app.manager();
        }
        throw new IllegalArgumentException("no service " + serviceClass.getName() + " for the codecs");
    }
}
