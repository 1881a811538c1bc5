package org.mirrortunnel.agent.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrortunnel.agent.exec.CommandResult;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.RecordingRunner;

class EmulatedNicTest {
    private static final VfId VF = new VfId("pf0", 2);

    @Test
    void speaksTheI40eVocabularyThroughNicemuWhichEnforcesTheLimitItself() {
        RecordingRunner runner = new RecordingRunner(argv -> new CommandResult(0,
                argv.contains("get") ? "{\"vlan_mirror\":\"7\"}" : "", ""));
        EmulatedNic nic = new EmulatedNic(runner, "nicemu");

        nic.addVlanMirror(VF, Set.of(100, 101));
        nic.setLoopback(VF, true);
        nic.setLinkState(VF, "disable");

        assertEquals(List.of(
                List.of("nicemu", "vf", "set", "pf0", "2", "vlan_mirror", "add 100-101"),
                List.of("nicemu", "vf", "set", "pf0", "2", "loopback", "on"),
                List.of("nicemu", "vf", "set", "pf0", "2", "link_state", "disable")), runner.calls);
    }

    @Test
    void theVfsAndWhereTheyLiveComeFromPfShow() {
        RecordingRunner runner = new RecordingRunner(argv -> new CommandResult(0, "[{\"pf\":\"pf0\",\"vfs\":["
                + "{\"vf\":1,\"netns\":\"nsf\",\"ifname\":\"tun0\",\"mac\":\"02:00:00:00:00:01\",\"carrier\":true},"
                + "{\"vf\":2,\"netns\":\"nmf\",\"ifname\":\"mon0\",\"mac\":\"02:00:00:00:00:02\"}]}]", ""));

        assertEquals(List.of(new NicDriver.NicVf(1, "nsf", "tun0", "02:00:00:00:00:01"),
                new NicDriver.NicVf(2, "nmf", "mon0", "02:00:00:00:00:02")), new EmulatedNic(runner, "nicemu").vfs("pf0"));
        assertEquals(List.of(List.of("nicemu", "-j", "pf", "show", "pf0")), runner.calls);
    }

    @Test
    void nicemusErrorBecomesTheFailure() {
        RecordingRunner runner = new RecordingRunner(argv -> new CommandResult(1, "", "nicemu: VF 2 not present\n"));
        ExecException e = assertThrows(ExecException.class, () -> new EmulatedNic(runner, "nicemu").setLoopback(VF, false));
        assertTrue(e.getMessage().endsWith("nicemu exited with 1: nicemu: VF 2 not present"), e.getMessage());
    }
}
