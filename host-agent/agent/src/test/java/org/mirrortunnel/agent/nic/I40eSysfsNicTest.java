package org.mirrortunnel.agent.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrortunnel.agent.exec.CommandResult;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.RecordingRunner;

/** The i40e backend against a sysfs-shaped directory: each attribute file holds the last value written. */
class I40eSysfsNicTest {
    private static final VfId VF = new VfId("ens1f0", 3);

    @TempDir
    Path sys;
    private Path vfDir;
    private final RecordingRunner runner = new RecordingRunner();
    private I40eSysfsNic nic;

    @BeforeEach
    void setUp() throws IOException {
        vfDir = Files.createDirectories(sys.resolve("class/net/ens1f0/device/sriov/3"));
        for (String attr : List.of("vlan_mirror", "loopback", "link_state")) {
            Files.writeString(vfDir.resolve(attr), "");
        }
        Files.createDirectories(vfDir.resolve("stats"));
        nic = new I40eSysfsNic(sys, runner, "ip");
    }

    private String file(String attr) throws IOException {
        return Files.readString(vfDir.resolve(attr));
    }

    @Test
    void vlanMirrorWritesAddAndRemInTheDriversSyntax() throws IOException {
        nic.addVlanMirror(VF, Set.of(2, 4, 18, 19, 20, 21, 22));
        assertEquals("add 2,4,18-22", file("vlan_mirror"));

        nic.removeVlanMirror(VF, Set.of(15, 16, 17));
        assertEquals("rem 15-17", file("vlan_mirror"));

        nic.removeVlanMirror(VF, new TreeSet<>(VlanList.parse("0-4095")));
        assertEquals("rem 0-4095", file("vlan_mirror"), "the driver's way to clear");
        assertTrue(runner.calls.isEmpty());
    }

    @Test
    void emptyChangesWriteNothing() throws IOException {
        Files.writeString(vfDir.resolve("vlan_mirror"), "untouched");
        nic.addVlanMirror(VF, Set.of());
        nic.removeVlanMirror(VF, Set.of());
        assertEquals("untouched", file("vlan_mirror"));
    }

    @Test
    void moreThan192MirroredVlansAreRefusedWithoutAWrite() throws IOException {
        Files.writeString(vfDir.resolve("vlan_mirror"), "1-190\n");

        nic.addVlanMirror(VF, Set.of(100, 191, 192));
        assertEquals("add 100,191-192", file("vlan_mirror"), "192 in all is allowed (100 was there)");

        Files.writeString(vfDir.resolve("vlan_mirror"), "1-192\n");
        ExecException e = assertThrows(ExecException.class, () -> nic.addVlanMirror(VF, Set.of(300)));
        assertTrue(e.getMessage().contains("would mirror 193 VLANs, at most 192"), e.getMessage());
        assertEquals("1-192\n", file("vlan_mirror"));
        assertEquals(192, nic.vlanMirror(VF).size());
    }

    @Test
    void loopbackAndLinkStateWriteTheirWords() throws IOException {
        nic.setLoopback(VF, true);
        assertEquals("on", file("loopback"));
        assertTrue(nic.loopback(VF));
        nic.setLoopback(VF, false);
        assertEquals("off", file("loopback"));
        Files.writeString(vfDir.resolve("loopback"), "ON\n");
        assertTrue(nic.loopback(VF), "the README's upper-case spelling reads as on");

        for (String state : List.of("enable", "disable", "auto")) {
            nic.setLinkState(VF, state);
            assertEquals(state, file("link_state"));
            assertEquals(state, nic.linkState(VF));
        }
        assertTrue(runner.calls.isEmpty());
    }

    @Test
    void withoutALinkStateFileTheLinkGoesThroughIpLink() throws IOException {
        Files.delete(vfDir.resolve("link_state"));
        RecordingRunner ip = new RecordingRunner(argv -> new CommandResult(0,
                "[{\"ifname\":\"ens1f0\",\"vfinfo_list\":[{\"vf\":2,\"link_state\":\"auto\"},"
                        + "{\"vf\":3,\"link_state\":\"disable\"}]}]", ""));
        I40eSysfsNic viaIp = new I40eSysfsNic(sys, ip, "/sbin/ip");

        viaIp.setLinkState(VF, "enable");
        assertEquals("disable", viaIp.linkState(VF));

        assertEquals(List.of(List.of("/sbin/ip", "link", "set", "dev", "ens1f0", "vf", "3", "state", "enable"),
                List.of("/sbin/ip", "-j", "link", "show", "dev", "ens1f0")), ip.calls);
        assertFalse(Files.exists(vfDir.resolve("link_state")));
    }

    @Test
    void capabilitiesFollowTheFilesTheDriverOffers() throws IOException {
        assertEquals(Set.of(NicDriver.Capability.values()), nic.capabilities(VF));
        Files.delete(vfDir.resolve("vlan_mirror"));
        assertEquals(Set.of(NicDriver.Capability.LOOPBACK, NicDriver.Capability.LINK_STATE), nic.capabilities(VF));
        ExecException e = assertThrows(ExecException.class, () -> nic.addVlanMirror(VF, Set.of(5)));
        assertTrue(e.getMessage().contains("out-of-tree i40e driver"), e.getMessage());
    }

    @Test
    void countersComeFromTheStatsDirectory() throws IOException {
        String[] names = {"rx_packets", "rx_bytes", "rx_dropped", "tx_packets", "tx_bytes", "tx_dropped"};
        for (int i = 0; i < names.length; i++) {
            Files.writeString(vfDir.resolve("stats").resolve(names[i]), (i + 1) * 10 + "\n");
        }
        var c = nic.stats(VF);
        assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L), List.of(c.getRxPackets(), c.getRxBytes(),
                c.getRxDropped(), c.getTxPackets(), c.getTxBytes(), c.getTxDropped()));
        assertEquals(3, c.getVf().getVf());
    }
}
