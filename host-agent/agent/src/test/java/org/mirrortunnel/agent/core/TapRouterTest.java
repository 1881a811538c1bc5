package org.mirrortunnel.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrortunnel.agent.config.AgentConfig;
import org.mirrortunnel.agent.exec.ExecException;

class TapRouterTest {
    private static AgentConfig.DpdkNsf nsf(String name, String netns, String... ports) {
        AgentConfig.DpdkNsf n = new AgentConfig.DpdkNsf();
        n.name = name;
        n.netns = netns;
        n.socket = "/nonexistent/" + name + ".sock";
        n.ports = List.of(ports);
        return n;
    }

    @Test
    void aDpdkNsfsPortsGoToItsSocketAndOthersToTheEbpfTap() {
        FakeHost ebpf = new FakeHost();
        TapRouter router = new TapRouter(ebpf, List.of(nsf("l2fwd", "nsf", "n0", "n1")), Duration.ofSeconds(1));
        assertEquals(List.of("ebpf", "dpdk"), router.kinds());
        assertEquals(Set.of(), router.sessions("nsf", "svc0"), "the eBPF TAP answers for svc0");
        ExecException e = assertThrows(ExecException.class, () -> router.sessions("nsf", "n0"));
        assertTrue(e.getMessage().startsWith("DPDK NSF 'l2fwd': control socket /nonexistent/l2fwd.sock"),
                e.getMessage());
        assertEquals(Set.of(), router.sessions("other", "n0"), "n0 of another namespace is not the NSF's");
        assertEquals(List.of("ebpf"), new TapRouter(ebpf, List.of(), Duration.ofSeconds(1)).kinds());
    }

    @Test
    void badNsfEntriesAreRefused() {
        FakeHost ebpf = new FakeHost();
        Duration t = Duration.ofSeconds(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TapRouter(ebpf,
                List.of(nsf("a", "nsf", "n0"), nsf("b", "nsf", "n0")), t)).getMessage()
                .contains("port n0 is listed by DPDK NSF 'a' too"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TapRouter(ebpf,
                List.of(nsf("a", "nsf", "n0"), nsf("a", "nsf", "n1")), t)).getMessage().contains("its own name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TapRouter(ebpf,
                List.of(nsf("a", "nsf")), t)).getMessage().contains("ports lists none"));
        assertThrows(StatusRuntimeException.class, () -> new TapRouter(ebpf, List.of(nsf("a", "nsf", "-n0")), t));
        AgentConfig.DpdkNsf noSocket = nsf("a", "nsf", "n0");
        noSocket.socket = null;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TapRouter(ebpf, List.of(noSocket), t))
                .getMessage().contains("socket"));
    }
}
