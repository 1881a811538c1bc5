package org.mirrortunnel.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.onosproject.net.ConnectPoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows the link state of the fabric's switch ports in Open vSwitch's database ({@code ovsdb-client monitor
 * Interface name,link_state}, one JSON update per line) and hands every change to the link service: what the
 * OpenFlow provider's port-status messages are to ONOS.
 */
final class OvsLinkMonitor implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private final CountDownLatch initial = new CountDownLatch(1);

    /**
     * Starts the monitor.
     *
     * @param ovsdbClient the ovsdb-client program
     * @param server      OVSDB server, e.g. {@code unix:/var/run/openvswitch/db.sock}
     * @param topology    the fabric (interface name to port)
     * @param links       where port changes go
     * @throws IOException when the monitor cannot start
     */
    OvsLinkMonitor(String ovsdbClient, String server, FabricTopology topology, FabricLinks links) throws IOException {
        process = new ProcessBuilder(List.of(ovsdbClient, "--format=json", "monitor", server, "Open_vSwitch",
                "Interface", "name,link_state")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        reader = new Thread(() -> follow(topology, links), "ovs-link-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    private void follow(FabricTopology topology, FabricLinks links) {
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode update = json.readTree(line);
                for (JsonNode row : update.path("data")) {
                    // row: uuid, action (initial/insert/old/new/delete), name, link_state; "old" rows carry the
                    // previous values.
                    String action = row.path(1).asText();
                    if (action.equals("old") || !row.path(2).isTextual()) {
                        continue;
                    }
                    ConnectPoint port = topology.portOf(row.path(2).asText());
                    if (port != null) {
                        links.portState(port, !action.equals("delete") && row.path(3).asText().equals("up"));
                    }
                }
                initial.countDown();
            }
        } catch (IOException e) {
            System.err.println("fabric: link monitor stopped: " + e.getMessage());
        }
    }

    /**
     * Waits for the database's initial state to be applied.
     *
     * @param timeoutMs time limit
     * @throws IllegalStateException on time-out
     */
    void awaitInitial(long timeoutMs) throws InterruptedException {
        if (!initial.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("no answer from ovsdb-client monitor");
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
