package org.mirrortunnel.app.impl;

import org.junit.Assume;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A sysfs-shaped directory standing in for the out-of-tree i40e driver's VFd interface
 * ({@code <root>/class/net/<pf>/device/sriov/<vf>/}): each VF's vlan_mirror behaves as the driver's, taking
 * "add 2,4,18-22" / "rem 15-17" and showing the resulting list ("2,4,18-22"), for every process that opens it
 * (i40e_vfd.py holds each open through fanotify, which needs root; without it the test is skipped). loopback and
 * link_state keep the last word written; stats/ holds the counters.
 */
final class I40eVfdFixture implements AutoCloseable {
    private static final int NO_RIGHTS = 77;

    private final Path root;
    private final Path sriov;
    private final Process driver;

    private I40eVfdFixture(Path root, Path sriov, Process driver) {
        this.root = root;
        this.sriov = sriov;
        this.driver = driver;
    }

    /**
     * Makes the directory for one PF and its VFs and starts serving their vlan_mirror files.
     *
     * @param root the sysfs root to make
     * @param pf   the PF's name
     * @param vfs  the VFs' indexes
     * @return the fixture, ready
     * @throws IOException when the directory cannot be made or the driver stand-in does not start
     */
    static I40eVfdFixture start(Path root, String pf, int... vfs) throws IOException {
        Path sriov = Files.createDirectories(root.resolve("class/net").resolve(pf).resolve("device/sriov"));
        List<String> command = new ArrayList<>(List.of("python3", script()));
        for (int vf : vfs) {
            Path dir = Files.createDirectories(sriov.resolve(Integer.toString(vf)));
            Files.writeString(dir.resolve("vlan_mirror"), "\n");
            Files.writeString(dir.resolve("loopback"), "off\n");
            Files.writeString(dir.resolve("link_state"), "auto\n");
            Path stats = Files.createDirectories(dir.resolve("stats"));
            for (String counter : List.of("rx_bytes", "rx_packets", "rx_dropped", "tx_bytes", "tx_packets",
                    "tx_dropped")) {
                Files.writeString(stats.resolve(counter), "0\n");
            }
            command.add(dir.resolve("vlan_mirror").toString());
        }
        Process driver = new ProcessBuilder(command).redirectError(root.resolve("i40e_vfd.err").toFile()).start();
        String line = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (!"ready".equals(line)) {
            int status = waitFor(driver);
            String error = Files.readString(root.resolve("i40e_vfd.err"));
            Assume.assumeTrue("the i40e stand-in needs fanotify (root): " + error, status != NO_RIGHTS);
            throw new IOException("the i40e stand-in did not start (" + status + "): " + error);
        }
        return new I40eVfdFixture(root, sriov, driver);
    }

    private static String script() {
        try {
            return Path.of(I40eVfdFixture.class.getResource("i40e_vfd.py").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Returns the sysfs root to give the agent.
     *
     * @return root
     */
    Path root() {
        return root;
    }

    /**
     * Reads an attribute as the driver shows it, without the trailing newline.
     *
     * @param vf        VF index
     * @param attribute attribute, e.g. "vlan_mirror"
     * @return value
     */
    String read(int vf, String attribute) {
        try {
            return Files.readString(sriov.resolve(vf + "/" + attribute)).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets an attribute the driver shows, such as a counter.
     *
     * @param vf        VF index
     * @param attribute attribute, e.g. "stats/rx_packets"
     * @param value     its value
     */
    void write(int vf, String attribute, String value) {
        try {
            Files.writeString(sriov.resolve(vf + "/" + attribute), value + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns what the driver stand-in reported: the commands the driver would have refused.
     *
     * @return its error output
     * @throws IOException when it cannot be read
     */
    String refusals() throws IOException {
        return Files.readString(root.resolve("i40e_vfd.err"));
    }

    @Override
    public void close() {
        driver.destroy();
        if (waitFor(driver) < 0) {
            driver.destroyForcibly();
        }
    }
}
