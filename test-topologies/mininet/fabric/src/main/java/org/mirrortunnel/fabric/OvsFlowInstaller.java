package org.mirrortunnel.fabric;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Installs flows into Open vSwitch bridges with {@code ovs-ofctl -O OpenFlow13}, one batch per bridge. */
public final class OvsFlowInstaller implements FlowInstaller {
    private final FabricTopology topology;
    private final String ofctl;

    /**
     * @param topology the fabric (device to bridge)
     * @param ofctl    the ovs-ofctl program
     */
    public OvsFlowInstaller(FabricTopology topology, String ofctl) {
        this.topology = topology;
        this.ofctl = ofctl;
    }

    @Override
    public void apply(List<OfFlow> add, List<OfFlow> remove) {
        for (Map.Entry<String, List<OfFlow>> e : byBridge(add).entrySet()) {
            run(List.of(ofctl, "-O", "OpenFlow13", "add-flows", e.getKey(), "-"),
                    e.getValue().stream().map(OfFlow::addText).collect(Collectors.joining("\n", "", "\n")));
        }
        for (Map.Entry<String, List<OfFlow>> e : byBridge(remove).entrySet()) {
            run(List.of(ofctl, "-O", "OpenFlow13", "--strict", "del-flows", e.getKey(), "-"),
                    e.getValue().stream().map(OfFlow::matchText).collect(Collectors.joining("\n", "", "\n")));
        }
    }

    private Map<String, List<OfFlow>> byBridge(List<OfFlow> flows) {
        Map<String, List<OfFlow>> out = new LinkedHashMap<>();
        for (OfFlow f : flows) {
            out.computeIfAbsent(topology.bridge(f.device()), b -> new ArrayList<>()).add(f);
        }
        return out;
    }

    private static void run(List<String> argv, String input) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + ": " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
