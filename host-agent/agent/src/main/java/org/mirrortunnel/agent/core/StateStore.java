package org.mirrortunnel.agent.core;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 */
public final class StateStore {
    private static final Gson GSON = new Gson();
    private final Path dir;
    private final Path file;
    /** JSON of the bindings last saved: most saves change one binding of many. */
    private Map<Binding, JsonElement> printed = new HashMap<>();

    public StateStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.file = dir.resolve("bindings.json");
    }

    public Path dir() {
        return dir;
    }

    /** Entries as last saved; they load as not applied (a restart re-applies them). */
    public List<Entry> load() throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        for (JsonElement e : root.getAsJsonArray("bindings")) {
            JsonObject o = e.getAsJsonObject();
            Binding binding = null;
            if (o.has("binding")) {
                Binding.Builder b = Binding.newBuilder();
                JsonFormat.parser().merge(o.get("binding").toString(), b);
                binding = b.build();
            }
            entries.add(new Entry(o.get("id").getAsString(), binding, GSON.fromJson(o.get("owned"), Owned.class),
                    false, null));
        }
        return entries;
    }

    public synchronized void save(Collection<Entry> entries) {
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
        root.addProperty("version", 1);
        root.add("bindings", list);
        try {
            write(root.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file, e);
        }
    }

    private void write(byte[] data) throws IOException {
        Path tmp = dir.resolve("bindings.json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
