package org.mirrortunnel.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.mirrortunnel.agent.api.v1.BindingStats;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.api.v1.VfCounters;

/** GET /metrics: the agent's counters in the Prometheus text format (version 0.0.4). */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    public MetricsServer(InetSocketAddress address, Supplier<GetStatsResponse> stats) throws IOException {
        server = HttpServer.create(address, 0);
        server.createContext("/metrics", exchange -> serve(exchange, stats));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, Supplier<GetStatsResponse> stats) throws IOException {
        int code = 200;
        String body;
        try {
            body = render(stats.get());
        } catch (RuntimeException e) {
            code = 500;
            body = "# counters unavailable: " + e.getMessage() + "\n";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The text exposition of one GetStats answer. */
    public static String render(GetStatsResponse stats) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP mirror_tap_packets_total Packets the TAP handled, by outcome.\n");
        b.append("# TYPE mirror_tap_packets_total counter\n");
        for (BindingStats s : stats.getBindingsList()) {
            tap(b, "binding=\"" + escape(s.getId()) + "\",", s.getTap());
        }
        tap(b, "binding=\"\",", stats.getHostTap());
        vfFamily(b, stats, "mirror_vf_packets_total", "Packets of the binding's tunnel and monitor VFs.", false);
        vfFamily(b, stats, "mirror_vf_dropped_total", "Packets the binding's tunnel and monitor VFs dropped.", true);
        b.append("# HELP mirror_bindings Bindings held by the agent.\n# TYPE mirror_bindings gauge\n");
        b.append("mirror_bindings ").append(stats.getBindingsCount()).append('\n');
        return b.toString();
    }

    private static void tap(StringBuilder b, String labels, TapCounters c) {
        line(b, "mirror_tap_packets_total", labels + "outcome=\"seen\"", c.getSeen());
        line(b, "mirror_tap_packets_total", labels + "outcome=\"mirrored\"", c.getMirrored());
        line(b, "mirror_tap_packets_total", labels + "outcome=\"filtered\"", c.getFiltered());
        line(b, "mirror_tap_packets_total", labels + "outcome=\"sampled\"", c.getSampled());
        line(b, "mirror_tap_packets_total", labels + "outcome=\"errors\"", c.getErrors());
    }

    private static void vfFamily(StringBuilder b, GetStatsResponse stats, String name, String help, boolean drops) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n");
        for (BindingStats s : stats.getBindingsList()) {
            for (VfCounters v : s.getTunnelsList()) {
                vf(b, name, s.getId(), "tunnel", v, drops);
            }
            for (VfCounters v : s.getMonitorsList()) {
                vf(b, name, s.getId(), "monitor", v, drops);
            }
        }
    }

    private static void vf(StringBuilder b, String name, String id, String role, VfCounters v, boolean drops) {
        String labels = "binding=\"" + escape(id) + "\",role=\"" + role + "\",pf=\"" + escape(v.getVf().getPf())
                + "\",vf=\"" + v.getVf().getVf() + "\",";
        line(b, name, labels + "dir=\"rx\"", drops ? v.getRxDropped() : v.getRxPackets());
        line(b, name, labels + "dir=\"tx\"", drops ? v.getTxDropped() : v.getTxPackets());
    }

    private static void line(StringBuilder b, String name, String labels, long value) {
        b.append(name).append('{').append(labels).append("} ").append(Long.toUnsignedString(value)).append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
