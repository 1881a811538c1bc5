package org.mirrortunnel.agent.tap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.TapRefusedException;

/**
 * The DPDK TAP inside one DPDK NSF (native-tap/dpdk), driven through the NSF's control socket: one JSON
 * request per line and one reply per line, a connection per request. A reply {"ok":false,"error":...} is the
 * NSF refusing the request (TapRefusedException with its message); a socket that cannot be reached or a
 * reply that is not one is an ExecException. Ports are named as the TAP names them (interface name or DPDK
 * name); the netns of the calls is the NSF's and is not needed to reach it.
 */
public final class DpdkTap implements TapDriver {
    private static final int MAX_REPLY = 1 << 20;
    private final String name;
    private final Path socket;
    private final Duration timeout;

    public DpdkTap(String name, Path socket, Duration timeout) {
        this.name = name;
        this.socket = socket;
        this.timeout = timeout;
    }

    public String name() {
        return name;
    }

    public Path socket() {
        return socket;
    }

    /** Opens a connection to the NSF's control socket (the caller closes it). */
    SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** Sends one request and returns the reply; throws TapRefusedException when it says "ok": false. */
    JsonObject call(JsonObject request) {
        String cmd = request.get("cmd").getAsString();
        SocketChannel channel;
        try {
            channel = connect();
        } catch (IOException e) {
            throw new Gone(this + ": control socket " + socket + ": " + e.getMessage());
        }
        String line;
        try (SocketChannel ch = channel) {
            line = exchange(ch, request.toString());
        } catch (IOException e) {
            throw new ExecException(this + ": control socket " + socket + ": " + e.getMessage(), e);
        }
        JsonObject reply;
        try {
            reply = JsonParser.parseString(line).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new ExecException(this + " answered " + cmd + " with no JSON object: " + cut(line));
        }
        if (!reply.has("ok") || !reply.get("ok").isJsonPrimitive()) {
            throw new ExecException(this + " answered " + cmd + " without \"ok\": " + cut(line));
        }
        if (!reply.get("ok").getAsBoolean()) {
            String error = reply.has("error") ? reply.get("error").getAsString() : cut(line);
            throw new TapRefusedException(this + " refused " + cmd + ": " + error);
        }
        return reply;
    }

    /** Nothing answers on the socket (the NSF is not running), or the NSF has no such port. */
    private static final class Gone extends ExecException {
        Gone(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "DPDK NSF '" + name + "'";
    }

    /** Writes the request line and reads one reply line, within the time-out. */
    private String exchange(SocketChannel ch, String request) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ch.configureBlocking(false);
        ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
        ByteBuffer in = ByteBuffer.allocate(4096);
        java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
        try (Selector selector = Selector.open()) {
            SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("no reply within " + timeout.toMillis() + " ms");
                }
                selector.select(left);
                if (out.hasRemaining()) {
                    ch.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    continue;
                }
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    throw new IOException("the NSF closed the connection without a reply");
                }
                for (int i = 0; i < n; i++) {
                    byte b = in.get(i);
                    if (b == '\n') {
                        return reply.toString(StandardCharsets.UTF_8);
                    }
                    reply.write(b);
                }
                if (reply.size() > MAX_REPLY) {
                    throw new IOException("a reply longer than " + MAX_REPLY + " bytes");
                }
            }
        }
    }

    private static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void check(TapSession s) {
        JsonObject show = call(request("show"));
        port(show, s.dev());
        for (JsonElement t : show.getAsJsonArray("tunnels")) {
            if (names(t.getAsJsonObject()).contains(s.tunnel())) {
                return;
            }
        }
        List<String> tunnels = new ArrayList<>();
        show.getAsJsonArray("tunnels").forEach(t -> tunnels.add(label(t.getAsJsonObject(), "tunnel")));
        throw new ExecException(this + " has no tunnel port " + s.tunnel() + " (its tunnels: "
                + String.join(", ", tunnels) + ")");
    }

    @Override
    public void attach(TapSession s) {
        JsonObject r = request("set", s.dev(), s.id());
        r.addProperty("tunnel", s.tunnel());
        r.addProperty("direction", s.direction() == Direction.RX ? "rx" : s.direction() == Direction.TX ? "tx" : "both");
        JsonArray vlans = new JsonArray();
        s.vlans().forEach(vlans::add);
        r.add("vlans", vlans);
        r.addProperty("sample", Math.max(1, s.sample()));
        r.addProperty("snaplen", s.snaplen());
        JsonObject filter = filter(s.filter());
        if (filter.size() > 0) {
            r.add("filter", filter);
        }
        call(r);
    }

    /** The TAP's filter keys; zero and "" mean absent. */
    private static JsonObject filter(Filter f) {
        JsonObject o = new JsonObject();
        if (!f.getSrcPrefix().isEmpty()) {
            o.addProperty("src", f.getSrcPrefix());
        }
        if (!f.getDstPrefix().isEmpty()) {
            o.addProperty("dst", f.getDstPrefix());
        }
        if (!f.getPrefix().isEmpty()) {
            o.addProperty("net", f.getPrefix());
        }
        String[] keys = {"proto", "sport", "dport", "port"};
        int[] values = {f.getIpProtocol(), f.getSrcPort(), f.getDstPort(), f.getPort()};
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != 0) {
                o.addProperty(keys[i], values[i]);
            }
        }
        return o;
    }

    @Override
    public void detach(String netns, String dev, int id) {
        JsonObject r = request("remove", dev, id);
        try {
            call(r);
        } catch (ExecException e) {
            Set<Integer> present;
            try {
                present = sessions(netns, dev);
            } catch (Gone gone) {
                return; // the NSF (or its port) is gone, and the session with it
            }
            if (present.contains(id)) {
                throw e;
            }
        }
    }

    @Override
    public Set<Integer> sessions(String netns, String dev) {
        Set<Integer> ids = new TreeSet<>();
        port(call(request("show")), dev).getAsJsonArray("sessions")
                .forEach(s -> ids.add(s.getAsJsonObject().get("session").getAsInt()));
        return ids;
    }

    /** The NSF's sessions whose tunnel port is the device; an NSF that is not running has none. */
    @Override
    public List<SessionAt> tunnelUsers(String netns, String tunnel) {
        JsonObject show;
        try {
            show = call(request("show"));
        } catch (Gone gone) {
            return List.of();
        }
        Set<String> ports = new TreeSet<>();
        for (JsonElement t : show.getAsJsonArray("tunnels")) {
            if (names(t.getAsJsonObject()).contains(tunnel)) {
                ports.add(t.getAsJsonObject().get("tunnel").getAsString());
            }
        }
        List<SessionAt> users = new ArrayList<>();
        for (JsonElement p : show.getAsJsonArray("ports")) {
            String dev = label(p.getAsJsonObject(), "port");
            for (JsonElement s : p.getAsJsonObject().getAsJsonArray("sessions")) {
                if (ports.contains(s.getAsJsonObject().get("tunnel").getAsString())) {
                    users.add(new SessionAt(netns, dev, s.getAsJsonObject().get("session").getAsInt()));
                }
            }
        }
        return users;
    }

    @Override
    public TapCounters stats(String netns, String dev, int id) {
        JsonObject r = request("stats", dev, id);
        JsonObject s = call(r).getAsJsonArray("stats").get(0).getAsJsonObject();
        return TapCounters.newBuilder().setSeen(s.get("seen").getAsLong()).setMirrored(s.get("mirrored").getAsLong())
                .setFiltered(s.get("filtered").getAsLong()).setSampled(s.get("sampled").getAsLong())
                .setErrors(s.get("errors").getAsLong()).build();
    }

    @Override
    public boolean tunnelCarrier(String netns, String dev, int id) {
        for (JsonElement e : port(call(request("show")), dev).getAsJsonArray("sessions")) {
            JsonObject s = e.getAsJsonObject();
            if (s.get("session").getAsInt() == id) {
                return s.get("tunnel_up").getAsBoolean();
            }
        }
        throw new ExecException(this + " shows no session " + id + " on " + dev);
    }

    /** The port of a show reply named dev (by its interface or its DPDK name). */
    private JsonObject port(JsonObject show, String dev) {
        for (JsonElement p : show.getAsJsonArray("ports")) {
            if (names(p.getAsJsonObject()).contains(dev)) {
                return p.getAsJsonObject();
            }
        }
        throw new Gone(this + " has no port " + dev);
    }

    /** A port's or tunnel's names: the DPDK one ("port" or "tunnel") and its interface's, when it has one. */
    private static Set<String> names(JsonObject o) {
        Set<String> n = new TreeSet<>();
        for (String k : new String[] {"port", "tunnel", "ifname"}) {
            if (o.has(k) && !o.get(k).getAsString().isEmpty()) {
                n.add(o.get(k).getAsString());
            }
        }
        return n;
    }

    /** The name the agent's inventory knows a tunnel by: its interface's, else its DPDK name. */
    static String label(JsonObject o, String dpdkKey) {
        String ifname = o.has("ifname") ? o.get("ifname").getAsString() : "";
        return ifname.isEmpty() ? o.get(dpdkKey).getAsString() : ifname;
    }

    static JsonObject request(String cmd) {
        JsonObject o = new JsonObject();
        o.addProperty("cmd", cmd);
        return o;
    }

    /** A request about one session of a port. */
    private static JsonObject request(String cmd, String dev, int id) {
        JsonObject o = request(cmd);
        o.addProperty("port", dev);
        o.addProperty("session", id);
        return o;
    }
}
