package org.mirrortunnel.agent.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.exec.CommandResult;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.RecordingRunner;

class EbpfTapTest {
    private static final String SHOW = "[{\"dev\":\"svc0\",\"ifindex\":4,\"hooks\":{\"ingress\":true,\"egress\":true},"
            + "\"sessions\":[{\"id\":1,\"tunnel\":\"tun0\"},{\"id\":7,\"tunnel\":\"tun1\"}]}]";

    @Test
    void attachPassesEveryOptionAsItsOwnArgument() {
        RecordingRunner runner = new RecordingRunner();
        new EbpfTap(runner, "/opt/mtapctl").attach(new TapSession("ns a", "svc0", 3, "tun0", Direction.RX,
                List.of(100, 200), 10, 128, Filter.newBuilder().setSrcPrefix("10.0.0.0/8").setIpProtocol(17)
                        .setDstPort(53).setPrefix("192.0.2.0/24").setPort(5000).build()));

        assertEquals(List.of(List.of("/opt/mtapctl", "-n", "ns a", "attach", "svc0", "session", "3", "tunnel", "tun0",
                "direction", "rx", "vlan", "100,200", "sample", "10", "snaplen", "128", "src", "10.0.0.0/8",
                "proto", "17", "dport", "53", "net", "192.0.2.0/24", "port", "5000")), runner.calls);
    }

    @Test
    void theAgentsOwnNamespaceNeedsNoOption() {
        RecordingRunner runner = new RecordingRunner();
        new EbpfTap(runner, "mtapctl").attach(new TapSession("", "eth1", 1, "vf1", Direction.BOTH, List.of(5), 0, 0,
                Filter.getDefaultInstance()));
        assertEquals(List.of(List.of("mtapctl", "attach", "eth1", "session", "1", "tunnel", "vf1", "direction", "both",
                "vlan", "5")), runner.calls);
    }

    @Test
    void sessionsComeFromShow() {
        RecordingRunner runner = new RecordingRunner(argv -> new CommandResult(0, SHOW, ""));
        assertEquals(Set.of(1, 7), new EbpfTap(runner, "mtapctl").sessions("ns", "svc0"));
        assertEquals(List.of("mtapctl", "-n", "ns", "-j", "show", "svc0"), runner.calls.get(0));
    }

    @Test
    void theSessionsOnATunnelComeFromTheShowOfEveryPort() {
        String show = SHOW.substring(0, SHOW.length() - 1) + ",{\"dev\":\"svc1\",\"ifindex\":5,\"hooks\":{},"
                + "\"sessions\":[{\"id\":2,\"tunnel\":\"tun1\"}]}]";
        RecordingRunner runner = new RecordingRunner(argv -> new CommandResult(0, show, ""));
        assertEquals(List.of(new TapDriver.SessionAt("ns", "svc0", 7), new TapDriver.SessionAt("ns", "svc1", 2)),
                new EbpfTap(runner, "mtapctl").tunnelUsers("ns", "tun1"));
        assertEquals(List.of("mtapctl", "-n", "ns", "-j", "show"), runner.calls.get(0));
    }

    @Test
    void detachingASessionThatIsGoneSucceeds() {
        RecordingRunner runner = new RecordingRunner(argv -> argv.contains("detach")
                ? new CommandResult(2, "", "mtapctl: no session 9 on svc0") : new CommandResult(0, SHOW, ""));
        new EbpfTap(runner, "mtapctl").detach("ns", "svc0", 9);
        assertEquals(2, runner.calls.size());
    }

    @Test
    void aFailedDetachOfAPresentSessionIsAFailure() {
        RecordingRunner runner = new RecordingRunner(argv -> argv.contains("detach")
                ? new CommandResult(1, "", "mtapctl: bpf: permission denied") : new CommandResult(0, SHOW, ""));
        ExecException e = assertThrows(ExecException.class, () -> new EbpfTap(runner, "mtapctl").detach("ns", "svc0", 7));
        assertEquals("mtapctl exited with 1: mtapctl: bpf: permission denied", e.getMessage());
    }

    @Test
    void countersOfOneSession() {
        RecordingRunner runner = new RecordingRunner(argv -> new CommandResult(0, "[{\"dev\":\"svc0\",\"session\":7,"
                + "\"seen\":10,\"mirrored\":6,\"filtered\":2,\"sampled\":1,\"errors\":1}]", ""));
        var c = new EbpfTap(runner, "mtapctl").stats("ns", "svc0", 7);
        assertEquals(List.of(10L, 6L, 2L, 1L, 1L), List.of(c.getSeen(), c.getMirrored(), c.getFiltered(),
                c.getSampled(), c.getErrors()));
    }
}
