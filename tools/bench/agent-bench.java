// Benchmark of the host agent, run by tools/bench/agent (which builds the lab and the certificates):
//   java -cp mirror-agent.jar tools/bench/agent-bench.java LAB_ID CERT_DIR WORK_DIR ROUNDS BLOCKS [BASELINE_JAR]
// Prints a Markdown report. Timestamps of copies are the kernel's (tcpdump -tt on the monitor VF), compared
// with the wall clock at the moment the call was made. The latency rounds run in BLOCKS blocks, each with a
// freshly started agent; with a BASELINE_JAR, each block runs that agent and this one, in alternating order,
// so that both see the same machine, and the report gives per-block ratios of their medians.
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mirrortunnel.agent.api.v1.ApplyBindingRequest;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.MirrorAgentGrpc;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.RemoveBindingRequest;
import org.mirrortunnel.agent.api.v1.SetEnabledRequest;
import org.mirrortunnel.agent.api.v1.SourcePort;
import org.mirrortunnel.agent.api.v1.SyncBindingsRequest;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.api.v1.VfRef;
import org.mirrortunnel.agent.core.Entry;
import org.mirrortunnel.agent.core.Owned;
import org.mirrortunnel.agent.core.StateStore;
import org.mirrortunnel.agent.grpc.TlsFiles;

public class AgentBench {
    static final Path ROOT = Path.of(System.getProperty("user.dir"));
    static final String NATIVE = ROOT.resolve("native-tap/build").toString();
    static final int SCALE = 1000;
    static final int SCALE_VFS = 6;

    final String id, pf, nsf, nmf, src;
    final Path certs, work;
    final List<Process> children = new ArrayList<>();
    /** Kernel timestamp (µs since the epoch) of the newest copy seen on mon0. */
    final AtomicLong lastCopy = new AtomicLong();
    Process agent;
    MirrorAgentGrpc.MirrorAgentBlockingStub stub;
    ManagedChannel channel;

    AgentBench(String id, Path certs, Path work) {
        this.id = id;
        this.pf = "pf-" + id;
        this.nsf = "mt-" + id + "-nsf";
        this.nmf = "mt-" + id + "-nmf";
        this.src = "mt-" + id + "-src";
        this.certs = certs;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        AgentBench b = new AgentBench(args[0], Path.of(args[1]), Path.of(args[2]));
        try {
            b.run(Integer.parseInt(args[3]), Integer.parseInt(args[4]), args.length > 5 ? Path.of(args[5]) : null);
        } finally {
            b.stopAll();
        }
    }

    static final String[] MEASURES = {"apply -> first copy at the monitor", "disable -> last copy (or the call's return)",
        "enable -> first copy at the monitor", "ApplyBinding round trip", "SetEnabled(false) round trip",
        "SetEnabled(true) round trip"};

    /** The latency figures of one agent jar, by measure; and the medians of each block. */
    static final class Figures {
        final Path jar;
        final List<List<Double>> all = new ArrayList<>();
        final List<List<Double>> blockMedians = new ArrayList<>();

        Figures(Path jar) {
            this.jar = jar;
            for (int m = 0; m < MEASURES.length; m++) {
                all.add(new ArrayList<>());
                blockMedians.add(new ArrayList<>());
            }
        }
    }

    void run(int rounds, int blocks, Path baselineJar) throws Exception {
        Path current = ROOT.resolve("host-agent/agent/target/mirror-agent.jar");
        Figures now = new Figures(current);
        Figures base = baselineJar == null ? null : new Figures(baselineJar);
        System.out.printf("## Latency on the netns lab (emulated NIC, eBPF TAP, %d blocks of %d rounds%s)%n%n", blocks,
                rounds, base == null ? "" : ", interleaved with the baseline agent " + baselineJar.getFileName());
        System.out.printf("Load average before: %s%n%n", loadAverage());
        spawn(List.of("nsenter", "--net=/run/netns/" + src, "ping", "-q", "-i", "0.002", "192.0.2.2"));
        followCopies();
        Thread.sleep(500);
        for (int block = 0; block < blocks; block++) {
            List<Figures> order = new ArrayList<>(List.of(now));
            if (base != null) {
                order.add(block % 2 == 0 ? 0 : 1, base);
            }
            for (Figures f : order) {
                latencyBlock(f, rounds, block);
            }
        }
        System.out.printf("Load average after: %s%n%n", loadAverage());
        System.out.println("| measure | " + (base == null ? "" : "baseline p50 ms | ") + "p50 ms | p99 ms | max ms |"
                + (base == null ? "" : " per-block p50 ratio, median (min..max) |"));
        System.out.println("| --- | " + (base == null ? "" : "--- | ") + "--- | --- | --- |" + (base == null ? "" : " --- |"));
        for (int m = 0; m < MEASURES.length; m++) {
            List<Double> s = sorted(now.all.get(m));
            StringBuilder row = new StringBuilder("| " + MEASURES[m] + " | ");
            if (base != null) {
                row.append(String.format("%.1f | ", pct(sorted(base.all.get(m)), 50)));
            }
            row.append(String.format("%.1f | %.1f | %.1f |", pct(s, 50), pct(s, 99), s.get(s.size() - 1)));
            if (base != null) {
                List<Double> ratios = new ArrayList<>();
                for (int b = 0; b < blocks; b++) {
                    ratios.add(now.blockMedians.get(m).get(b) / base.blockMedians.get(m).get(b));
                }
                List<Double> r = sorted(ratios);
                row.append(String.format(" %.2f (%.2f..%.2f) |", pct(r, 50), r.get(0), r.get(r.size() - 1)));
            }
            System.out.println(row);
        }
        stopChildrenButAgent();
        stateWrites();
        scale();
    }

    /**
     * The cost a link flip no longer waits for: the state file written durably (fsync of file and
     * directory) and written only (rename, no fsync), alternating, in the state directory's file system.
     */
    void stateWrites() throws Exception {
        StateStore store = new StateStore(work.resolve("probe-state"));
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(new Entry("b" + i, Binding.newBuilder().setId("b" + i).addVlans(100 + i)
                    .addMonitors(MonitorPort.newBuilder().setVf(vf(2))).build(),
                    Owned.NOTHING, true, null));
        }
        List<Double> durable = new ArrayList<>(), written = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean sync = i % 2 == 0;
            long t = System.nanoTime();
            store.save(entries, sync);
            (sync ? durable : written).add((System.nanoTime() - t) / 1e6);
        }
        System.out.printf("%nState file of 10 bindings, 30 writes each, alternating: durable (fsync of file and directory)"
                + " p50 %.2f ms, p90 %.2f ms; written and renamed only p50 %.2f ms, p90 %.2f ms.%n",
                pct(sorted(durable), 50), pct(sorted(durable), 90), pct(sorted(written), 50), pct(sorted(written), 90));
    }

    /** One block: a fresh agent of the given jar, ROUNDS apply / disable / enable / remove cycles. */
    void latencyBlock(Figures f, int rounds, int block) throws Exception {
        Path cfg = config("lab-" + f.jar.getFileName().toString().replace(".jar", ""),
                "{\"vf\":1,\"role\":\"tunnel\",\"netns\":\"" + nsf + "\",\"ifname\":\"tun0\"},"
                + "{\"vf\":2,\"role\":\"monitor\",\"netns\":\"" + nmf + "\",\"ifname\":\"mon0\"}");
        startAgent(f.jar, cfg);
        Binding s1 = Binding.newBuilder().setId("s1").setDirection(Direction.BOTH).addVlans(100).setEnabled(true)
                .addSources(SourcePort.newBuilder().setNetns(nsf).setIfname("svc0").setTunnel(vf(1)))
                .addMonitors(MonitorPort.newBuilder().setVf(vf(2))).build();
        List<List<Double>> blockFigures = new ArrayList<>();
        for (int m = 0; m < MEASURES.length; m++) {
            blockFigures.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            long t0 = nowMicros();
            stub.applyBinding(ApplyBindingRequest.newBuilder().setBinding(s1).build());
            blockFigures.get(3).add((nowMicros() - t0) / 1000.0);
            blockFigures.get(0).add((firstCopyAfter(t0) - t0) / 1000.0);

            t0 = nowMicros();
            stub.setEnabled(SetEnabledRequest.newBuilder().setId("s1").setEnabled(false).build());
            long returned = nowMicros();
            blockFigures.get(4).add((returned - t0) / 1000.0);
            Thread.sleep(300);
            blockFigures.get(1).add((Math.max(returned, lastCopy.get()) - t0) / 1000.0);

            t0 = nowMicros();
            stub.setEnabled(SetEnabledRequest.newBuilder().setId("s1").setEnabled(true).build());
            blockFigures.get(5).add((nowMicros() - t0) / 1000.0);
            blockFigures.get(2).add((firstCopyAfter(t0) - t0) / 1000.0);

            stub.removeBinding(RemoveBindingRequest.newBuilder().setId("s1").build());
            Thread.sleep(200);
        }
        stopAgent(false);
        for (int m = 0; m < MEASURES.length; m++) {
            f.all.get(m).addAll(blockFigures.get(m));
            f.blockMedians.get(m).add(pct(sorted(blockFigures.get(m)), 50));
        }
    }

    static String loadAverage() throws Exception {
        String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return l[0] + " " + l[1] + " " + l[2];
    }

    void scale() throws Exception {
        Path jar = ROOT.resolve("host-agent/agent/target/mirror-agent.jar");
        System.out.println("\n## " + SCALE + " bindings (monitor-only, " + SCALE_VFS + " emulated monitor VFs)\n");
        StringBuilder vfs = new StringBuilder();
        for (int v = 3; v < 3 + SCALE_VFS; v++) {
            sh(NATIVE + "/nicemu", "vf", "add", pf, Integer.toString(v), "netns", nmf, "ifname", "mon" + v);
            vfs.append(v == 3 ? "" : ",").append("{\"vf\":").append(v).append(",\"role\":\"monitor\",\"netns\":\"")
                    .append(nmf).append("\",\"ifname\":\"mon").append(v).append("\"}");
        }
        Path scaleCfg = config("scale", vfs.toString());
        long t = System.nanoTime();
        startAgent(jar, scaleCfg);
        double startMs = (System.nanoTime() - t) / 1e6;
        SyncBindingsRequest all = scaleSet();
        System.out.println("| step | time |\n| --- | --- |");
        System.out.printf("| agent start (empty state, JVM included) | %.0f ms |%n", startMs);
        timedSync("SyncBindings of " + SCALE + " new bindings", all);
        timedSync("SyncBindings of the same " + SCALE + " again (no change)", all);
        System.out.printf("| agent resident memory at %d bindings | %d MiB |%n", SCALE, rssKiB(agent.pid()) / 1024);
        agent.destroyForcibly().waitFor();
        t = System.nanoTime();
        String restored = startAgent(jar, scaleCfg);
        System.out.printf("| restart after kill -9, until serving (JVM included) | %.0f ms |%n", (System.nanoTime() - t) / 1e6);
        System.out.printf("| of which re-applying the saved %d bindings | %s |%n", SCALE, restored);
        timedSync("SyncBindings of the same " + SCALE + " after the restart", all);
        int mirrored = 0;
        for (int v = 3; v < 3 + SCALE_VFS; v++) {
            String out = sh(NATIVE + "/nicemu", "-j", "vf", "get", pf, Integer.toString(v), "vlan_mirror");
            String list = out.replaceAll(".*\"vlan_mirror\":\"([^\"]*)\".*", "$1").strip();
            mirrored += org.mirrortunnel.agent.nic.VlanList.parse(list).size();
        }
        System.out.printf("| VLANs mirrored on the NIC afterwards (expected %d) | %d |%n", SCALE, mirrored);
        System.out.printf("| agent resident memory after the restart | %d MiB |%n", rssKiB(agent.pid()) / 1024);
        timedSync("SyncBindings of an empty set (removes all " + SCALE + ")", SyncBindingsRequest.getDefaultInstance());
        stopAgent(false);
    }

    SyncBindingsRequest scaleSet() {
        SyncBindingsRequest.Builder r = SyncBindingsRequest.newBuilder();
        int perVf = (SCALE + SCALE_VFS - 1) / SCALE_VFS;
        for (int i = 0; i < SCALE; i++) {
            r.addBindings(Binding.newBuilder().setId(String.format("b%04d", i)).addVlans(1000 + i).setEnabled(true)
                    .addMonitors(MonitorPort.newBuilder().setVf(vf(3 + i / perVf))));
        }
        return r.build();
    }

    void timedSync(String what, SyncBindingsRequest request) {
        long t = System.nanoTime();
        SyncBindingsResponse r = stub.syncBindings(request);
        double ms = (System.nanoTime() - t) / 1e6;
        long failed = r.getAppliedList().stream().filter(s -> s.getState() == BindingState.FAILED).count();
        System.out.printf("| %s | %.0f ms%s |%n", what, ms, failed == 0 ? "" : " (" + failed + " failed: "
                + r.getAppliedList().stream().filter(s -> s.getState() == BindingState.FAILED).findFirst().get().getMessage() + ")");
    }

    VfRef vf(int n) {
        return VfRef.newBuilder().setPf(pf).setVf(n).build();
    }

    Path config(String name, String vfs) throws Exception {
        Path cfg = work.resolve(name + ".json");
        Files.writeString(cfg, "{\"agent_id\":\"bench-" + name + "\",\"listen\":\"127.0.0.1:0\",\"state_dir\":\""
                + work.resolve(name + "-state") + "\",\"vlan_max\":4094,\"tls\":{\"cert\":\"" + certs.resolve("agent.pem")
                + "\",\"key\":\"" + certs.resolve("agent.key") + "\",\"client_ca\":\"" + certs.resolve("ca.pem") + "\"},"
                + "\"nic\":{\"driver\":\"emulated\",\"nicemu\":\"" + NATIVE + "/nicemu\"},\"tap\":{\"mtapctl\":\""
                + NATIVE + "/mtapctl\"},\"inventory\":[{\"pf\":\"" + pf + "\",\"vfs\":[" + vfs + "]}]}");
        return cfg;
    }

    /** Starts an agent of the given jar, connects, and returns its "restored N bindings in X ms" report. */
    String startAgent(Path jar, Path cfg) throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        agent = new ProcessBuilder("java", "-jar", jar.toString(), "--config", cfg.toString())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        children.add(agent);
        BufferedReader err = new BufferedReader(new InputStreamReader(agent.getErrorStream()));
        String restored = err.readLine();
        Thread drain = new Thread(() -> {
            try {
                while (err.readLine() != null) {
                    // keep the pipe flowing
                }
            } catch (java.io.IOException ignored) {
                // the agent ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        String line = new BufferedReader(new InputStreamReader(agent.getInputStream())).readLine();
        Matcher m = Pattern.compile("serving on (\\S+):(\\d+)").matcher(String.valueOf(line));
        if (!m.find()) {
            throw new IllegalStateException("agent did not start: " + line + " / " + restored);
        }
        channel = NettyChannelBuilder.forAddress("localhost", Integer.parseInt(m.group(2)),
                TlsFiles.client(certs.resolve("ca.pem").toString(), certs.resolve("client.pem").toString(),
                        certs.resolve("client.key").toString())).build();
        stub = MirrorAgentGrpc.newBlockingStub(channel).withDeadlineAfter(600, TimeUnit.SECONDS);
        return String.valueOf(restored).replaceAll(".*restored \\d+ bindings in (\\d+) ms.*", "$1 ms");
    }

    void stopAgent(boolean kill) throws Exception {
        if (kill) {
            agent.destroyForcibly();
        } else {
            agent.destroy();
        }
        agent.waitFor();
    }

    void followCopies() throws Exception {
        Process p = spawn(List.of("nsenter", "--net=/run/netns/" + nmf, "tcpdump", "-i", "mon0", "-l", "-n", "-tt",
                "--immediate-mode", "vlan", "100", "and", "icmp"));
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] ts = line.split(" ", 2)[0].split("\\.");
                    lastCopy.set(Long.parseLong(ts[0]) * 1_000_000 + Long.parseLong(ts[1]));
                }
            } catch (Exception ignored) {
                // capture ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    long firstCopyAfter(long t0) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            long c = lastCopy.get();
            if (c > t0) {
                return c;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no copy within 5 s");
    }

    static long nowMicros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }

    Process spawn(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(p);
        return p;
    }

    static String sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + out);
        }
        return out;
    }

    static long rssKiB(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static List<Double> sorted(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s;
    }

    static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    void stopChildrenButAgent() throws InterruptedException {
        for (Process p : children) {
            if (p != agent && p.isAlive()) {
                p.destroy();
                p.waitFor();
            }
        }
    }

    void stopAll() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
        }
        for (Process p : children) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }
}
