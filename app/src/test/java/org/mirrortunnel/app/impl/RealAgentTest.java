package org.mirrortunnel.app.impl;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.OperState;
import org.onosproject.net.intent.MockIdGenerator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The agent programmer against the real host agent, started from its jar as a child process on loopback and
 * reached over mutual TLS (certificates from tools/mkcerts), with its i40e backend on a sysfs-shaped directory
 * that behaves as the driver ({@link I40eVfdFixture}) and a recording stand-in for the TAP's control program.
 */
public class RealAgentTest {
    private static final String AGENT = "host-a";
    private static final long WAIT_MILLIS = 60_000;

    private Path dir;
    private Path configFile;
    private Process agent;
    private I40eVfdFixture nic;
    private MirrorTestContext ctx;
    private AgentProgrammer programmer;

    private static Path jar() {
        return Path.of(System.getProperty("mirror.agent.jar", "../host-agent/agent/target/mirror-agent.jar"));
    }

    @Before
    public void setUp() throws Exception {
        Assume.assumeTrue("the agent jar is built (mvn -pl host-agent/agent -am package)", Files.exists(jar()));
        dir = Files.createTempDirectory("mirror-agent-test");
        nic = I40eVfdFixture.start(dir.resolve("sys"), "pf0", 1, 2, 3);
        Path certs = dir.resolve("certs");
        Process mkcerts = new ProcessBuilder(Path.of("../tools/mkcerts").toAbsolutePath().normalize().toString(),
                certs.toString()).redirectErrorStream(true).start();
        String out = new String(mkcerts.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, mkcerts.waitFor());
        Path mtapctl = dir.resolve("mtapctl");
        Files.writeString(mtapctl, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("mtapctl.log")
                + "\ncase \"$*\" in *show*) echo '[]';;"
                + " *stats*) eval id=\\${$#}; echo \"[{\\\"session\\\": $id, \\\"seen\\\": 10, \\\"mirrored\\\": 7,"
                + " \\\"filtered\\\": 2, \\\"sampled\\\": 1, \\\"errors\\\": 0}]\";; esac\n");
        assertTrue(mtapctl.toFile().setExecutable(true));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        configFile = dir.resolve("agent.json");
        Files.writeString(configFile, "{\"agent_id\": \"" + AGENT + "\", \"listen\": \"127.0.0.1:" + port + "\","
                + " \"tls\": {\"cert\": \"" + certs.resolve("agent.pem") + "\", \"key\": \""
                + certs.resolve("agent.key") + "\", \"client_ca\": \"" + certs.resolve("ca.pem") + "\"},"
                + " \"state_dir\": \"" + dir.resolve("state") + "\","
                + " \"metrics_listen\": \"127.0.0.1:0\", \"vlan_min\": 3000, \"vlan_max\": 3999,"
                + " \"nic\": {\"driver\": \"i40e\", \"sysfs_root\": \"" + nic.root() + "\"},"
                + " \"tap\": {\"mtapctl\": \"" + mtapctl + "\", \"watch\": false},"
                + " \"inventory\": [{\"pf\": \"pf0\", \"vfs\": ["
                + "{\"vf\": 1, \"role\": \"tunnel\", \"ifname\": \"tun0\"},"
                + "{\"vf\": 3, \"role\": \"tunnel\", \"ifname\": \"tun1\"},"
                + "{\"vf\": 2, \"role\": \"monitor\", \"ifname\": \"mon0\"}]}]}");
        startAgent();

        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.netcfg.agents("{\"" + AGENT + "\": {\"address\": \"localhost:" + port + "\", \"ca\": \""
                + certs.resolve("ca.pem") + "\", \"cert\": \"" + certs.resolve("client.pem") + "\", \"key\": \""
                + certs.resolve("client.key") + "\"}}");
        programmer = ctx.programmer(null);
        programmer.activate(MirrorTestContext.properties(OsgiPropertyConstants.RECONNECT_SECONDS, 1));
    }

    private void startAgent() throws IOException {
        agent = new ProcessBuilder("java", "-jar", jar().toString(), "--config", configFile.toString())
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
        if (nic != null) {
            nic.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            assertTrue("timed out waiting for " + what + "; sessions: " + ctx.manager.getSessions(),
                    System.currentTimeMillis() < end);
            Thread.sleep(50);
        }
    }

    private OperState stateOf(MirrorSessionId id) {
        return ctx.store.getSession(id).map(MirrorSession::operState).orElse(OperState.FAILED);
    }

    private MirrorSession create(String name, String source, Integer... vlans) {
        return ctx.manager.createSession(MirrorSession.builder().name(name)
                .sources(List.of(MirrorEndpoint.parse(source)))
                .monitors(List.of(MirrorEndpoint.parse(AGENT + ":mon0"))).vlans(List.of(vlans)).build());
    }

    private void awaitConnected() throws InterruptedException {
        await("the agent's inventory over mTLS", () -> ctx.store.getAgent(AGENT).map(AgentStatus::connected)
                .orElse(false));
    }

    @Test
    public void bindingIsAppliedFollowsAdminStateAndSurvivesAnAgentRestart() throws Exception {
        awaitConnected();
        MirrorSession web = create("web", AGENT + ":svc0");

        await("web ACTIVE", () -> stateOf(web.id()) == OperState.ACTIVE);
        assertEquals("the driver's list", "" + web.vlans().get(0), nic.read(2, "vlan_mirror"));
        assertEquals("a local monitor keeps copies inside the NIC", "on", nic.read(1, "loopback"));
        assertEquals("enable", nic.read(1, "link_state"));
        assertThat(Files.readString(dir.resolve("mtapctl.log")), containsString("attach svc0 session"));

        ctx.manager.disableSession(web.id());
        await("web DISABLED", () -> stateOf(web.id()) == OperState.DISABLED);
        assertEquals("disable", nic.read(1, "link_state"));
        ctx.manager.enableSession(web.id());
        await("web ACTIVE again", () -> stateOf(web.id()) == OperState.ACTIVE);

        stopAgent();
        await("web DEGRADED", () -> stateOf(web.id()) == OperState.DEGRADED);
        assertThat(ctx.store.getSession(web.id()).orElseThrow().hostStates().get(AGENT).message(),
                containsString("agent unreachable"));
        MirrorSession db = create("db", AGENT + ":svc1");

        startAgent();
        await("web ACTIVE after the restart", () -> stateOf(web.id()) == OperState.ACTIVE);
        await("db applied by the resync", () -> stateOf(db.id()) == OperState.ACTIVE);
        assertEquals("enable", nic.read(3, "link_state"));
        assertEquals(web.vlans().get(0) + "-" + db.vlans().get(0), nic.read(2, "vlan_mirror"));
        assertEquals("", nic.refusals());
    }

    @Test
    public void copiesDeliveredAreTheMonitorVfsReceivedPacketsAsTheAgentReportsThem() throws Exception {
        awaitConnected();
        programmer.modified(MirrorTestContext.properties(OsgiPropertyConstants.STATS_SECONDS, 1));
        MirrorSession web = create("web", AGENT + ":svc0");
        await("web ACTIVE", () -> stateOf(web.id()) == OperState.ACTIVE);

        nic.write(2, "stats/rx_packets", "1234");
        nic.write(1, "stats/rx_packets", "99");
        await("the monitor VF's rx packets as delivered", () -> ctx.manager.getSession(web.id()).orElseThrow()
                .counters().delivered() == 1234);
        assertEquals("the TAP's counters with them", new MirrorCounters(10, 7, 2, 1, 0, 1234),
                ctx.manager.getSession(web.id()).orElseThrow().hostStates().get(AGENT).counters());
    }

    @Test
    public void removalLeavesTheDriversListWithoutTheSessionsVlan() throws Exception {
        awaitConnected();
        MirrorSession web = create("web", AGENT + ":svc0");
        await("web ACTIVE", () -> stateOf(web.id()) == OperState.ACTIVE);
        MirrorSession db = create("db", AGENT + ":svc1");
        await("db ACTIVE", () -> stateOf(db.id()) == OperState.ACTIVE);
        assertEquals("both VLANs mirrored to the monitor VF", web.vlans().get(0) + "-" + db.vlans().get(0),
                nic.read(2, "vlan_mirror"));

        ctx.manager.removeSession(web.id());
        await("web's VLAN no longer mirrored", () -> nic.read(2, "vlan_mirror").equals("" + db.vlans().get(0)));
        assertEquals(OperState.ACTIVE, stateOf(db.id()));
        ctx.manager.removeSession(db.id());
        await("nothing mirrored", () -> nic.read(2, "vlan_mirror").isEmpty());
        assertEquals("", nic.refusals());
    }

    @Test
    public void aBindingTheAgentRefusesFailsAloneAndTheAgentStaysConnected() throws Exception {
        awaitConnected();
        MirrorSession web = create("web", AGENT + ":svc0");
        await("web ACTIVE", () -> stateOf(web.id()) == OperState.ACTIVE);

        MirrorSession outside = create("outside", AGENT + ":svc1", 100);
        await("the refusal recorded", () -> stateOf(outside.id()) == OperState.FAILED);
        HostState refused = ctx.manager.getSession(outside.id()).orElseThrow().hostStates().get(AGENT);
        assertThat(refused.message(), containsString("INVALID_ARGUMENT"));
        assertThat(refused.message(), containsString("outside this host's pool"));
        assertEquals(OperState.ACTIVE, stateOf(web.id()));
        assertTrue(ctx.store.getAgent(AGENT).orElseThrow().connected());
        assertEquals("" + web.vlans().get(0), nic.read(2, "vlan_mirror"));
    }
}
