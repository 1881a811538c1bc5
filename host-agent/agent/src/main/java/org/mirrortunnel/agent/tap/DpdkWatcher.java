package org.mirrortunnel.agent.tap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.mirrortunnel.agent.exec.ExecException;

/**
 * Follows one DPDK NSF's tunnels through its TAP's {@code watch} stream: the TAP switches itself on its
 * tunnels' link, and each {@code link} event is passed on as the tunnel's carrier, under the name the
 * inventory knows it by, in the NSF's namespace. Reconnects every second while the NSF is away, reporting the
 * outage once.
 */
public final class DpdkWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DpdkWatcher.class.getName());
    private final DpdkTap tap;
    private final String netns;
    private final CarrierWatchers.Listener listener;
    private final Thread thread;
    private volatile boolean closing;
    private volatile SocketChannel channel;

    public DpdkWatcher(DpdkTap tap, String netns, CarrierWatchers.Listener listener) {
        this.tap = tap;
        this.netns = netns;
        this.listener = listener;
        this.thread = new Thread(this::run, "dpdk-watch-" + tap.name());
        thread.setDaemon(true);
    }

    public DpdkWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        boolean reported = false;
        while (!closing) {
            try {
                follow();
                if (!closing) {
                    listener.failed(netns, tap + " ended its watch stream; reconnecting");
                }
                reported = false;
            } catch (IOException | ExecException | JsonParseException | IllegalStateException e) {
                if (!reported && !closing) {
                    listener.failed(netns, tap + ": cannot watch its tunnels (" + e.getMessage() + "); retrying");
                    reported = true;
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One watch connection, until it ends. */
    private void follow() throws IOException {
        Map<String, String> names = new HashMap<>();
        for (JsonElement t : tap.call(DpdkTap.request("show")).getAsJsonArray("tunnels")) {
            JsonObject o = t.getAsJsonObject();
            names.put(o.get("tunnel").getAsString(), DpdkTap.label(o, "tunnel"));
        }
        try (SocketChannel ch = tap.connect()) {
            channel = ch;
            if (closing) {
                return;
            }
            ByteBuffer out = ByteBuffer.wrap((DpdkTap.request("watch") + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null || !JsonParser.parseString(first).getAsJsonObject().get("ok").getAsBoolean()) {
                throw new IOException("watch refused: " + first);
            }
            for (String line; (line = in.readLine()) != null; ) {
                JsonObject e = JsonParser.parseString(line).getAsJsonObject();
                String event = e.has("event") ? e.get("event").getAsString() : "";
                if (event.equals("link")) {
                    String tunnel = e.get("tunnel").getAsString();
                    listener.carrier(netns, names.getOrDefault(tunnel, tunnel), e.get("up").getAsBoolean());
                } else if (event.equals("error")) {
                    listener.failed(netns, tap + ": " + e.get("message").getAsString());
                }
            }
        } catch (IOException e) {
            if (!closing) {
                throw e;
            }
        } finally {
            channel = null;
        }
        LOG.fine("watch of " + tap + " ended");
    }

    @Override
    public void close() {
        closing = true;
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.warning("closing the watch of " + tap + ": " + e.getMessage());
            }
        }
        thread.interrupt();
    }
}
