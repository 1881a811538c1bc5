package org.mirrortunnel.agent.tap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.exec.CommandRunner;
import org.mirrortunnel.agent.exec.ExecException;

/** The eBPF TAP, driven through its control program mtapctl (native-tap/tap). */
public final class EbpfTap implements TapDriver {
    private final CommandRunner runner;
    private final String mtapctl;

    public EbpfTap(CommandRunner runner, String mtapctl) {
        this.runner = runner;
        this.mtapctl = mtapctl;
    }

    private List<String> command(String netns, boolean json, String... args) {
        List<String> argv = new ArrayList<>(List.of(mtapctl));
        if (!netns.isEmpty()) {
            argv.addAll(List.of("-n", netns));
        }
        if (json) {
            argv.add("-j");
        }
        argv.addAll(List.of(args));
        return argv;
    }

    @Override
    public void attach(TapSession s) {
        List<String> argv = command(s.netns(), false, "attach", s.dev(), "session", Integer.toString(s.id()),
                "tunnel", s.tunnel(), "direction", direction(s.direction()),
                "vlan", s.vlans().stream().map(String::valueOf).collect(Collectors.joining(",")));
        if (s.sample() > 1) {
            argv.addAll(List.of("sample", Integer.toString(s.sample())));
        }
        if (s.snaplen() > 0) {
            argv.addAll(List.of("snaplen", Integer.toString(s.snaplen())));
        }
        Filter f = s.filter();
        option(argv, "src", f.getSrcPrefix());
        option(argv, "dst", f.getDstPrefix());
        option(argv, "proto", f.getIpProtocol());
        option(argv, "sport", f.getSrcPort());
        option(argv, "dport", f.getDstPort());
        option(argv, "net", f.getPrefix());
        option(argv, "port", f.getPort());
        runner.check(argv);
    }

    private static void option(List<String> argv, String name, String value) {
        if (!value.isEmpty()) {
            argv.addAll(List.of(name, value));
        }
    }

    private static void option(List<String> argv, String name, int value) {
        if (value != 0) {
            argv.addAll(List.of(name, Integer.toString(value)));
        }
    }

    private static String direction(Direction d) {
        return switch (d) {
            case RX -> "rx";
            case TX -> "tx";
            default -> "both";
        };
    }

    @Override
    public void detach(String netns, String dev, int id) {
        try {
            runner.check(command(netns, false, "detach", dev, "session", Integer.toString(id)));
        } catch (ExecException e) {
            Set<Integer> present;
            try {
                present = sessions(netns, dev);
            } catch (ExecException gone) {
                return; // the port or its namespace is gone, and the session with it
            }
            if (present.contains(id)) {
                throw e;
            }
        }
    }

    @Override
    public Set<Integer> sessions(String netns, String dev) {
        Set<Integer> ids = new TreeSet<>();
        show(netns, dev).forEach(s -> ids.add(s.get("id").getAsInt()));
        return ids;
    }

    @Override
    public List<SessionAt> tunnelUsers(String netns, String tunnel) {
        List<SessionAt> users = new ArrayList<>();
        for (JsonElement p : JsonParser.parseString(runner.check(command(netns, true, "show"))).getAsJsonArray()) {
            String dev = p.getAsJsonObject().get("dev").getAsString();
            for (JsonElement s : p.getAsJsonObject().getAsJsonArray("sessions")) {
                if (s.getAsJsonObject().get("tunnel").getAsString().equals(tunnel)) {
                    users.add(new SessionAt(netns, dev, s.getAsJsonObject().get("id").getAsInt()));
                }
            }
        }
        return users;
    }

    @Override
    public boolean tunnelCarrier(String netns, String dev, int id) {
        return show(netns, dev).stream().filter(s -> s.get("id").getAsInt() == id).findFirst()
                .orElseThrow(() -> new ExecException("mtapctl shows no session " + id + " on " + dev))
                .get("tunnel_carrier").getAsBoolean();
    }

    /** The sessions of a port as {@code mtapctl show} describes them. */
    private List<JsonObject> show(String netns, String dev) {
        List<JsonObject> sessions = new ArrayList<>();
        for (JsonElement port : JsonParser.parseString(runner.check(command(netns, true, "show", dev))).getAsJsonArray()) {
            if (port.getAsJsonObject().get("dev").getAsString().equals(dev)) {
                port.getAsJsonObject().getAsJsonArray("sessions").forEach(s -> sessions.add(s.getAsJsonObject()));
            }
        }
        return sessions;
    }

    @Override
    public TapCounters stats(String netns, String dev, int id) {
        String out = runner.check(command(netns, true, "stats", dev, "session", Integer.toString(id)));
        for (JsonElement e : JsonParser.parseString(out).getAsJsonArray()) {
            JsonObject s = e.getAsJsonObject();
            if (s.get("session").getAsInt() == id) {
                return TapCounters.newBuilder().setSeen(s.get("seen").getAsLong())
                        .setMirrored(s.get("mirrored").getAsLong()).setFiltered(s.get("filtered").getAsLong())
                        .setSampled(s.get("sampled").getAsLong()).setErrors(s.get("errors").getAsLong()).build();
            }
        }
        throw new ExecException("mtapctl shows no counters of session " + id + " on " + dev);
    }

    /**
     * The long-running program that makes the TAP follow its tunnels' carrier in a namespace and prints one
     * JSON line per change ({"event":"session","tunnel":T,"active":B,...}).
     */
    public List<String> watchCommand(String netns) {
        return command(netns, false, "watch");
    }
}
