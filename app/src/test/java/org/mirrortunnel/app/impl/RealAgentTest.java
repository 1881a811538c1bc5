package org.mirrortunnel.app.impl;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.OperState;
import org.onlab.junit.TestUtils;
import org.onlab.packet.IpAddress;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.cluster.ClusterServiceAdapter;
import org.onosproject.cluster.ControllerNode;
import org.onosproject.cluster.DefaultControllerNode;
import org.onosproject.cluster.NodeId;
import org.onosproject.net.intent.MockIdGenerator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The agent programmer against the real host agent, started from its jar as a child process on loopback,
 * with its i40e backend on a sysfs-shaped directory and a recording stand-in for the TAP's control program.
 */
public class RealAgentTest {
    private static final String AGENT = "host-a";
    private static final long WAIT_MILLIS = 30_000;

    private Path dir;
    private Path sriov;
    private Path configFile;
    private Process agent;
    private MirrorTestContext ctx;
    private AgentProgrammer programmer;

    @Before
    public void setUp() throws IOException {
        Path jar = Path.of(System.getProperty("mirror.agent.jar", "../host-agent/agent/target/mirror-agent.jar"));
        Assume.assumeTrue("the agent jar is built (mvn -pl host-agent/agent -am package)", Files.exists(jar));
        dir = Files.createTempDirectory("mirror-agent-test");
        sriov = Files.createDirectories(dir.resolve("sys/class/net/pf0/device/sriov"));
        for (int vf = 1; vf <= 3; vf++) {
            Path vfDir = Files.createDirectories(sriov.resolve(Integer.toString(vf)));
            for (String attr : List.of("vlan_mirror", "loopback", "link_state")) {
                Files.writeString(vfDir.resolve(attr), "");
            }
            Files.createDirectories(vfDir.resolve("stats"));
        }
        Path mtapctl = dir.resolve("mtapctl");
        Files.writeString(mtapctl, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("mtapctl.log")
                + "\ncase \"$*\" in *show*) echo '[]';; esac\n");
        mtapctl.toFile().setExecutable(true);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        configFile = dir.resolve("agent.json");
        Files.writeString(configFile, "{\"agent_id\": \"" + AGENT + "\", \"listen\": \"127.0.0.1:" + port + "\","
                + " \"plaintext\": true, \"state_dir\": \"" + dir.resolve("state") + "\","
                + " \"metrics_listen\": \"127.0.0.1:0\", \"vlan_min\": 3000, \"vlan_max\": 3999,"
                + " \"nic\": {\"driver\": \"i40e\", \"sysfs_root\": \"" + dir.resolve("sys") + "\"},"
                + " \"tap\": {\"mtapctl\": \"" + mtapctl + "\", \"watch\": false},"
                + " \"inventory\": [{\"pf\": \"pf0\", \"vfs\": ["
                + "{\"vf\": 1, \"role\": \"tunnel\", \"ifname\": \"tun0\"},"
                + "{\"vf\": 3, \"role\": \"tunnel\", \"ifname\": \"tun1\"},"
                + "{\"vf\": 2, \"role\": \"monitor\", \"ifname\": \"mon0\"}]}]}");
        startAgent(jar);

        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.netcfg.agents("{\"" + AGENT + "\": {\"address\": \"127.0.0.1:" + port + "\", \"plaintext\": true}}");
        programmer = new AgentProgrammer();
        TestUtils.setField(programmer, "store", ctx.store);
        TestUtils.setField(programmer, "mirrorService", ctx.manager);
        TestUtils.setField(programmer, "netcfgService", ctx.netcfg);
        TestUtils.setField(programmer, "workPartitionService", ctx.partitions);
        TestUtils.setField(programmer, "clusterService", new LocalNode());
        TestUtils.setField(programmer, "coreService", new MirrorTestContext.TestCoreService());
        TestUtils.setField(programmer, "cfgService", new ComponentConfigAdapter());
        programmer.activate(MirrorTestContext.properties(OsgiPropertyConstants.RECONNECT_SECONDS, 1));
    }

    private void startAgent(Path jar) throws IOException {
        agent = new ProcessBuilder("java", "-jar", jar.toString(), "--config", configFile.toString())
                .redirectError(dir.resolve("agent.err").toFile()).start();
        String line = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat("agent started: " + Files.readString(dir.resolve("agent.err")), String.valueOf(line),
                containsString("serving on"));
    }

    private void stopAgent() throws InterruptedException {
        agent.destroy();
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    }

    @After
    public void tearDown() throws Exception {
        if (programmer != null) {
            programmer.deactivate();
            ctx.stop();
            MockIdGenerator.unbind();
        }
        if (agent != null && agent.isAlive()) {
            agent.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            assertTrue("timed out waiting for " + what, System.currentTimeMillis() < end);
            Thread.sleep(50);
        }
    }

    private OperState stateOf(MirrorSessionId id) {
        return ctx.store.getSession(id).map(MirrorSession::operState).orElse(OperState.FAILED);
    }

    private String sysfs(int vf, String attr) {
        try {
            return Files.readString(sriov.resolve(vf + "/" + attr)).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A plain file keeps the last command written ("add 3000"); the driver reads back the mirrored list
     * ("3000"). Turns each vlan_mirror file into what the driver would show, for the restarted agent to read.
     */
    private void settleVlanMirrorFiles() throws IOException {
        for (int vf = 1; vf <= 3; vf++) {
            Path file = sriov.resolve(vf + "/vlan_mirror");
            String last = Files.readString(file).trim();
            Files.writeString(file, last.startsWith("add ") ? last.substring("add ".length()) : "");
        }
    }

    private MirrorSession create(String name, String source) {
        return ctx.manager.createSession(MirrorSession.builder().name(name)
                .sources(List.of(MirrorEndpoint.parse(source)))
                .monitors(List.of(MirrorEndpoint.parse(AGENT + ":mon0"))).build());
    }

    @Test
    public void bindingIsAppliedFollowsAdminStateAndSurvivesAnAgentRestart() throws Exception {
        await("the agent's inventory", () -> ctx.store.getAgent(AGENT).map(a -> a.connected()).orElse(false));
        MirrorSession web = create("web", AGENT + ":svc0");

        await("web ACTIVE", () -> stateOf(web.id()) == OperState.ACTIVE);
        assertEquals("add " + web.vlans().get(0), sysfs(2, "vlan_mirror"));
        assertEquals("a local monitor keeps copies inside the NIC", "on", sysfs(1, "loopback"));
        assertEquals("enable", sysfs(1, "link_state"));
        assertThat(Files.readString(dir.resolve("mtapctl.log")), containsString("attach svc0 session"));

        ctx.manager.disableSession(web.id());
        await("web DISABLED", () -> stateOf(web.id()) == OperState.DISABLED);
        assertEquals("disable", sysfs(1, "link_state"));
        ctx.manager.enableSession(web.id());
        await("web ACTIVE again", () -> stateOf(web.id()) == OperState.ACTIVE);

        stopAgent();
        await("web DEGRADED", () -> stateOf(web.id()) == OperState.DEGRADED);
        assertThat(ctx.store.getSession(web.id()).orElseThrow().hostStates().get(AGENT).message(),
                containsString("agent unreachable"));
        MirrorSession db = create("db", AGENT + ":svc1");

        settleVlanMirrorFiles();
        startAgent(Path.of(System.getProperty("mirror.agent.jar", "../host-agent/agent/target/mirror-agent.jar")));
        await("web ACTIVE after the restart", () -> stateOf(web.id()) == OperState.ACTIVE);
        await("db applied by the resync", () -> stateOf(db.id()) == OperState.ACTIVE);
        assertEquals("enable", sysfs(3, "link_state"));
    }

    /** The cluster of one node. */
    private static final class LocalNode extends ClusterServiceAdapter {
        @Override
        public ControllerNode getLocalNode() {
            return new DefaultControllerNode(new NodeId("node-1"), IpAddress.valueOf("127.0.0.1"));
        }
    }
}
