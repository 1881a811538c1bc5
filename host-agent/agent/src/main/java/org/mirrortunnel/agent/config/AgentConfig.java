package org.mirrortunnel.agent.config;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration file (JSON, snake_case keys). Strict: an unknown key is an error. Relative
 * paths are resolved against the file's directory. See {@code host-agent/agent/agent.sample.json}.
 */
public final class AgentConfig {
    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    public String agentId;
    /** host:port of the gRPC server. */
    public String listen = "127.0.0.1:50051";
    /** Serve without TLS: only allowed when listen is a loopback address. */
    public boolean plaintext;
    public Tls tls;
    /** host:port of the Prometheus endpoint (/metrics); absent = off. */
    public String metricsListen;
    public String stateDir;
    public long commandTimeoutMs = 10_000;
    /** VLANs the agent accepts in bindings (the controller's pool). */
    public int vlanMin = 1;
    public int vlanMax = 4094;
    public Nic nic = new Nic();
    public Tap tap = new Tap();
    public List<PfConfig> inventory = new ArrayList<>();

    /** Server certificate, its key (PKCS#8 PEM) and the CA that signs client certificates. */
    public static final class Tls {
        public String cert;
        public String key;
        public String clientCa;
    }

    /** NIC backend: "i40e", "emulated" or "auto" (i40e when the PF has a VFd sriov directory). */
    public static final class Nic {
        public String driver = "auto";
        public String sysfsRoot = "/sys";
        public String nicemu = "nicemu";
        public String ip = "ip";
    }

    /**
     * SW TAP: kind "ebpf" (mtapctl) for kernel ports; watch: run one carrier follower per namespace. dpdk: the
     * DPDK NSFs whose ports their own TAP watches.
     */
    public static final class Tap {
        public String kind = "ebpf";
        public String mtapctl = "mtapctl";
        public boolean watch = true;
        public List<DpdkNsf> dpdk = new ArrayList<>();
    }

    /**
     * A DPDK NSF with the DPDK TAP (mt-l2fwd and the like): its name, the namespace of its kernel-backed ports
     * ("" = the agent's own), its TAP's control socket, and the ports it owns as the TAP names them (a kernel
     * interface's name, else the DPDK port name). A binding's source port netns/ifname that is one of these
     * is tapped through the socket.
     */
    public static final class DpdkNsf {
        public String name;
        public String netns = "";
        public String socket;
        public List<String> ports = new ArrayList<>();
    }

    /**
     * A PF and the VFs the agent may use: listed one by one ({@code vfs}), or by index lists in the i40e
     * syntax ("1-8,12") that give discovered VFs their role. VFs the NIC has but neither names stay unused.
     */
    public static final class PfConfig {
        public String pf;
        public List<VfConfig> vfs = new ArrayList<>();
        public String tunnels;
        public String monitors;
    }

    /** One VF: its index, role ("tunnel" or "monitor") and, where the NIC cannot tell, where its netdev lives. */
    public static final class VfConfig {
        public int vf;
        public String role;
        public String netns = "";
        public String ifname;
    }

    /** Reads, checks and resolves a configuration file; any problem throws IllegalArgumentException. */
    public static AgentConfig load(Path file) throws IOException {
        JsonElement tree;
        try {
            tree = JsonParser.parseString(Files.readString(file));
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
        }
        if (!tree.isJsonObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        checkKeys(tree.getAsJsonObject(), AgentConfig.class, "");
        AgentConfig c;
        try {
            c = GSON.fromJson(tree, AgentConfig.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        c.resolve(file.toAbsolutePath().getParent());
        c.check();
        return c;
    }

    private static void checkKeys(JsonObject obj, Class<?> type, String at) {
        Map<String, Field> fields = new java.util.HashMap<>();
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.put(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES.translateName(f), f);
            }
        }
        for (Map.Entry<String, JsonElement> e : obj.entrySet()) {
            Field f = fields.get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException("unknown configuration key '" + at + e.getKey() + "'");
            }
            Class<?> nested = nestedType(f);
            if (nested != null && e.getValue().isJsonObject()) {
                checkKeys(e.getValue().getAsJsonObject(), nested, at + e.getKey() + ".");
            } else if (nested != null && e.getValue().isJsonArray()) {
                for (JsonElement item : e.getValue().getAsJsonArray()) {
                    if (item.isJsonObject()) {
                        checkKeys(item.getAsJsonObject(), nested, at + e.getKey() + "[].");
                    }
                }
            }
        }
    }

    private static Class<?> nestedType(Field f) {
        Class<?> t = f.getType();
        if (t == List.class && f.getGenericType() instanceof ParameterizedType p) {
            t = (Class<?>) p.getActualTypeArguments()[0];
        }
        return t.getEnclosingClass() == AgentConfig.class ? t : null;
    }

    private void resolve(Path dir) {
        if (tls != null) {
            tls.cert = resolve(dir, tls.cert);
            tls.key = resolve(dir, tls.key);
            tls.clientCa = resolve(dir, tls.clientCa);
        }
        stateDir = resolve(dir, stateDir);
        nic.sysfsRoot = resolve(dir, nic.sysfsRoot);
        nic.nicemu = resolveProgram(dir, nic.nicemu);
        tap.mtapctl = resolveProgram(dir, tap.mtapctl);
        for (DpdkNsf nsf : tap.dpdk) {
            nsf.socket = resolve(dir, nsf.socket);
        }
    }

    private static String resolve(Path dir, String p) {
        return p == null ? null : dir.resolve(p).normalize().toString();
    }

    /** A bare program name is looked up on PATH when run; a path is resolved like other paths. */
    private static String resolveProgram(Path dir, String p) {
        return p == null || !p.contains("/") ? p : resolve(dir, p);
    }

    private void check() {
        require(agentId != null && !agentId.isBlank(), "agent_id is required");
        require(stateDir != null, "state_dir is required");
        InetSocketAddress addr = parseHostPort("listen", listen);
        if (plaintext) {
            require(addr.getAddress().isLoopbackAddress(),
                    "plaintext is only allowed on a loopback listen address, not " + listen);
        } else {
            require(tls != null && tls.cert != null && tls.key != null && tls.clientCa != null,
                    "tls.cert, tls.key and tls.client_ca are required (or plaintext on loopback)");
        }
        if (metricsListen != null) {
            parseHostPort("metrics_listen", metricsListen);
        }
        require(List.of("auto", "i40e", "emulated").contains(nic.driver),
                "nic.driver must be auto, i40e or emulated, not " + nic.driver);
        require("ebpf".equals(tap.kind), "tap.kind must be ebpf (the only TAP this agent controls so far)");
        require(commandTimeoutMs > 0, "command_timeout_ms must be positive");
        require(vlanMin >= 1 && vlanMax <= 4094 && vlanMin <= vlanMax, "vlan_min..vlan_max must lie within 1..4094");
        require(!inventory.isEmpty(), "inventory lists no PF");
    }

    /** Parses "host:port" ("[::1]:50051" for IPv6) into a resolved address. */
    public static InetSocketAddress parseHostPort(String what, String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        require(colon > 0, what + " must be host:port, not " + value);
        String host = value.substring(0, colon).replaceAll("^\\[|\\]$", "");
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": bad port in " + value);
        }
        require(port >= 0 && port <= 65535, what + ": port out of range in " + value);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + ": unknown host " + host);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
