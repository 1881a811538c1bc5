package org.mirrortunnel.agent.tap;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.mirrortunnel.agent.exec.CommandRunner;
import org.mirrortunnel.agent.exec.ExecException;

/**
 * Runs the eBPF TAP's carrier follower, one per namespace that holds tunnels: the TAP attaches while its tunnel
 * has carrier and detaches when it loses it (the link-state switch). Each change is passed to a listener.
 * The watchers' pids are kept in the state dir, so a restarted agent ends the ones a killed agent left.
 */
public final class CarrierWatchers implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CarrierWatchers.class.getName());

    /** What the watchers report. */
    public interface Listener {
        void carrier(String netns, String tunnel, boolean up);

        void failed(String netns, String message);
    }

    private final CommandRunner runner;
    private final EbpfTap tap;
    private final Path pidDir;
    private final Listener listener;
    private final List<Process> processes = new ArrayList<>();
    private final Set<String> watched = new HashSet<>();
    private volatile boolean closing;

    public CarrierWatchers(CommandRunner runner, EbpfTap tap, Path pidDir, Listener listener) {
        this.runner = runner;
        this.tap = tap;
        this.pidDir = pidDir;
        this.listener = listener;
    }

    /** Starts a watcher for each namespace that has none yet. */
    public synchronized void start(Collection<String> namespaces) {
        for (String netns : namespaces) {
            if (!watched.add(netns)) {
                continue;
            }
            try {
                endLeftover(netns);
                spawn(netns);
            } catch (IOException e) {
                listener.failed(netns, "cannot start the TAP watcher of '" + netns + "': " + e.getMessage());
            }
        }
    }

    private Path pidFile(String netns) {
        return pidDir.resolve("watch-" + (netns.isEmpty() ? "root" : netns) + ".pid");
    }

    /** Ends a watcher of this namespace that a killed agent left, if the pid is still that program. */
    private void endLeftover(String netns) throws IOException {
        Path file = pidFile(netns);
        if (!Files.exists(file)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(file).strip());
        String expected = String.join("\0", tap.watchCommand(netns));
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            if (new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).startsWith(expected)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException gone) {
            // no such process any more
        }
        Files.deleteIfExists(file);
    }

    private synchronized void spawn(String netns) throws IOException {
        if (closing) {
            return;
        }
        Process p;
        try {
            p = runner.start(tap.watchCommand(netns));
        } catch (ExecException e) {
            listener.failed(netns, e.getMessage());
            return;
        }
        processes.add(p);
        Files.writeString(pidFile(netns), Long.toString(p.pid()));
        Thread reader = new Thread(() -> follow(netns, p), "carrier-watch-" + netns);
        reader.setDaemon(true);
        reader.start();
    }

    private void follow(String netns, Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                parse(netns, line);
            }
        } catch (IOException e) {
            LOG.warning("watcher of " + netns + ": " + e.getMessage());
        }
        if (closing) {
            return;
        }
        listener.failed(netns, "the TAP watcher of namespace '" + netns + "' exited; restarting it");
        try {
            Thread.sleep(1000);
            synchronized (this) {
                processes.remove(p);
            }
            spawn(netns);
        } catch (InterruptedException | IOException e) {
            listener.failed(netns, "cannot restart the TAP watcher of '" + netns + "': " + e.getMessage());
        }
    }

    private void parse(String netns, String line) {
        try {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.has("event") && o.get("event").getAsString().equals("session") && o.has("tunnel")) {
                listener.carrier(netns, o.get("tunnel").getAsString(), o.get("active").getAsBoolean());
            }
        } catch (JsonParseException | IllegalStateException | NullPointerException e) {
            LOG.warning("watcher of " + netns + " printed an unexpected line: " + line);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closing = true;
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.list(pidDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("watch-")).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
