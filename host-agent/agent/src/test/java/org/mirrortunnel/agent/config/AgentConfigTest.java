package org.mirrortunnel.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    private static final String INVENTORY = "\"inventory\":[{\"pf\":\"pf0\",\"vfs\":[{\"vf\":1,\"role\":\"tunnel\","
            + "\"netns\":\"ns\",\"ifname\":\"tun0\"}]}]";

    @TempDir
    Path dir;

    private AgentConfig load(String json) throws IOException {
        Path f = dir.resolve("agent.json");
        Files.writeString(f, json);
        return AgentConfig.load(f);
    }

    private String fail(String json) {
        return assertThrows(IllegalArgumentException.class, () -> load(json)).getMessage();
    }

    @Test
    void theSampleConfigurationLoads() throws IOException {
        AgentConfig c = AgentConfig.load(Path.of("agent.sample.json"));
        assertEquals("host-1", c.agentId);
        assertEquals("/etc/mirror-agent/ca.pem", c.tls.clientCa);
        assertEquals("1-8", c.inventory.get(0).tunnels);
        assertEquals(2, c.inventory.get(1).vfs.size());
    }

    @Test
    void relativePathsResolveAgainstTheFile() throws IOException {
        AgentConfig c = load("{\"agent_id\":\"a\",\"state_dir\":\"st\",\"tls\":{\"cert\":\"a.pem\",\"key\":\"a.key\","
                + "\"client_ca\":\"ca.pem\"},\"tap\":{\"mtapctl\":\"bin/mtapctl\"}," + INVENTORY + "}");
        assertEquals(dir.resolve("st").toString(), c.stateDir);
        assertEquals(dir.resolve("bin/mtapctl").toString(), c.tap.mtapctl);
        assertEquals("nicemu", c.nic.nicemu, "a bare program name stays for PATH");
    }

    @Test
    void dpdkNsfsListTheirSocketAndPorts() throws IOException {
        AgentConfig c = load("{\"agent_id\":\"a\",\"state_dir\":\"st\",\"plaintext\":true,\"tap\":{\"dpdk\":["
                + "{\"name\":\"l2fwd\",\"netns\":\"nsf\",\"socket\":\"run/l2fwd.sock\",\"ports\":[\"n0\",\"n1\"]}]},"
                + INVENTORY + "}");
        AgentConfig.DpdkNsf nsf = c.tap.dpdk.get(0);
        assertEquals(dir.resolve("run/l2fwd.sock").toString(), nsf.socket);
        assertEquals(java.util.List.of("n0", "n1"), nsf.ports);
        assertTrue(fail("{\"agent_id\":\"a\",\"tap\":{\"dpdk\":[{\"name\":\"x\",\"sock\":\"s\"}]}}")
                .contains("'tap.dpdk[].sock'"));
    }

    @Test
    void unknownKeysAreErrorsAtAnyDepth() {
        assertTrue(fail("{\"agent_id\":\"a\",\"colour\":1}").contains("'colour'"));
        assertTrue(fail("{\"agent_id\":\"a\",\"nic\":{\"drvier\":\"i40e\"}}").contains("'nic.drvier'"));
        assertTrue(fail("{\"agent_id\":\"a\",\"inventory\":[{\"pf\":\"p\",\"vfs\":[{\"vf\":1,\"rol\":\"x\"}]}]}")
                .contains("'inventory[].vfs[].rol'"));
    }

    @Test
    void plaintextOnlyOnLoopbackAndTlsOtherwise() throws IOException {
        String base = "\"agent_id\":\"a\",\"state_dir\":\"st\"," + INVENTORY;
        assertTrue(fail("{" + base + ",\"plaintext\":true,\"listen\":\"0.0.0.0:50051\"}").contains("loopback"));
        assertTrue(fail("{" + base + "}").contains("tls.cert"));
        assertTrue(load("{" + base + ",\"plaintext\":true,\"listen\":\"[::1]:0\"}").plaintext);
    }
}
