package org.mirrortunnel.agent.core;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mirrortunnel.agent.api.v1.Binding;

/**
 * The desired state and ownership records in {@code <state dir>/bindings.json}, written atomically:
 * temp file, fsync, rename, fsync of the directory. A crash leaves the old or the new file, never a mix.
 * The directory is locked by one agent at a time ({@code <state dir>/lock}, held while the agent runs).
 */
public final class StateStore {
    /** The version of the file's format this agent reads and writes. */
    static final int VERSION = 1;
    private static final Gson GSON = new Gson();
    private static final String MOVE_ASIDE = "repair it, or move it aside to start with no bindings (what the agent"
            + " had set on the host, TAP sessions, VLAN mirrors, tunnel loopback and link state, then stays until"
            + " removed by hand)";
    private final Path dir;
    private final Path file;
    /** Kept open while the agent runs: closing it would release the lock. */
    private FileChannel lock;
    /** JSON of the bindings last saved: most saves change one binding of many. */
    private Map<Binding, JsonElement> printed = new HashMap<>();

    /** A state directory or file the agent cannot use; the message is one line that says what to do. */
    public static final class StateException extends Exception {
        StateException(String message) {
            super(message);
        }
    }

    public StateStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.file = dir.resolve("bindings.json");
    }

    public Path dir() {
        return dir;
    }

    /**
     * Takes the directory's lock for as long as this process runs, or fails naming the agent that holds it.
     * Nothing else in the directory is touched first.
     */
    public synchronized void lock() throws IOException, StateException {
        Path lockFile = dir.resolve("lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            String pid = new String(Files.readAllBytes(lockFile), StandardCharsets.US_ASCII).strip();
            ch.close();
            throw new StateException("state directory " + dir + " is in use by another agent"
                    + (pid.isEmpty() ? "" : " (pid " + pid + ")") + "; stop that one first, or give this one its own"
                    + " state_dir");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        lock = ch;
    }

    /** Entries as last saved; they load as not applied (a restart re-applies them). */
    public List<Entry> load() throws StateException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        if (!Files.isRegularFile(file)) {
            throw broken("is not a regular file");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw broken("cannot be read (" + e.getMessage() + ")");
        }
        if (text.isBlank()) {
            throw broken("is empty");
        }
        JsonElement tree;
        try {
            tree = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw broken("is not valid JSON (" + firstLine(e) + ")");
        }
        JsonObject root = tree.isJsonObject() ? tree.getAsJsonObject() : null;
        if (root == null || !root.has("version") || !root.get("version").isJsonPrimitive()
                || !root.get("version").getAsJsonPrimitive().isNumber()) {
            throw broken("is not an agent state file (no \"version\")");
        }
        int version = root.get("version").getAsInt();
        if (version != VERSION) {
            throw new StateException(file + ": written in state format version " + version + ", this agent reads"
                    + " version " + VERSION + "; run the agent that wrote it (the file is left as it is)");
        }
        if (!root.has("bindings") || !root.get("bindings").isJsonArray()) {
            throw broken("has no \"bindings\" list");
        }
        JsonArray list = root.getAsJsonArray("bindings");
        for (int i = 0; i < list.size(); i++) {
            try {
                entries.add(entry(list.get(i)));
            } catch (RuntimeException | InvalidProtocolBufferException e) {
                throw broken("bindings[" + i + "] is not a binding record (" + firstLine(e) + ")");
            }
        }
        return entries;
    }

    private static Entry entry(JsonElement e) throws InvalidProtocolBufferException {
        JsonObject o = e.getAsJsonObject();
        String id = o.get("id").getAsJsonPrimitive().getAsString();
        Validator.checkId("id", id);
        Binding binding = null;
        if (o.has("binding")) {
            Binding.Builder b = Binding.newBuilder();
            JsonFormat.parser().merge(o.get("binding").toString(), b);
            binding = b.build();
        }
        Owned owned = GSON.fromJson(o.get("owned"), Owned.class);
        if (owned == null || owned.taps().stream().anyMatch(c -> c.netns() == null || c.dev() == null)
                || owned.vlans().stream().anyMatch(c -> c.pf() == null)
                || owned.tunnels().stream().anyMatch(c -> c.pf() == null || c.linkStateBefore() == null)) {
            throw new IllegalArgumentException("incomplete \"owned\"");
        }
        return new Entry(id, binding, owned, false, null);
    }

    private StateException broken(String what) {
        return new StateException(file + ": " + what + "; " + MOVE_ASIDE);
    }

    private static String firstLine(Exception e) {
        String m = e instanceof StatusRuntimeException s ? s.getStatus().getDescription() : e.getMessage();
        m = String.valueOf(m).lines().findFirst().orElse("").replaceAll("^([a-z0-9]+\\.)+[A-Za-z0-9]+: ", "");
        return m.length() > 120 ? m.substring(0, 120) + "..." : m;
    }

    /**
     * Replaces the file atomically. durable: also fsyncs the file and the directory, so that the record
     * survives a crash of the host, not only of the agent.
     */
    public synchronized void save(Collection<Entry> entries, boolean durable) {
        JsonArray list = new JsonArray();
        Map<Binding, JsonElement> now = new HashMap<>();
        try {
            for (Entry e : entries) {
                JsonObject o = new JsonObject();
                o.addProperty("id", e.id());
                if (e.binding() != null) {
                    JsonElement b = printed.get(e.binding());
                    if (b == null) {
                        b = JsonParser.parseString(JsonFormat.printer().print(e.binding()));
                    }
                    now.put(e.binding(), b);
                    o.add("binding", b);
                }
                o.add("owned", GSON.toJsonTree(e.owned()));
                list.add(o);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        printed = now;
        JsonObject root = new JsonObject();
        root.addProperty("version", VERSION);
        root.add("bindings", list);
        try {
            write(root.toString().getBytes(StandardCharsets.UTF_8), durable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file, e);
        }
    }

    private void write(byte[] data, boolean durable) throws IOException {
        Path tmp = dir.resolve("bindings.json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (durable) {
                ch.force(true);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    }
}
