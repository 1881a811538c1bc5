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

/** The i40e backend against a sysfs-shaped directory whose files answer writes as the driver does. */
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
        nic = new I40eSysfsNic(sys, runner, "ip", new I40eDriverFiles());
    }

    private String file(String attr) throws IOException {
        return Files.readString(vfDir.resolve(attr));
    }

    @Test
    void vlanMirrorAddsAndRemovesInTheDriversSyntax() throws IOException {
        nic.addVlanMirror(VF, Set.of(2, 4, 18, 19, 20, 21, 22));
        assertEquals("2,4,18-22\n", file("vlan_mirror"));
        assertEquals(Set.of(2, 4, 18, 19, 20, 21, 22), nic.vlanMirror(VF));

        nic.removeVlanMirror(VF, Set.of(4, 19, 20));
        assertEquals(Set.of(2, 18, 21, 22), nic.vlanMirror(VF));
        nic.removeVlanMirror(VF, Set.of(15, 16, 17));
        assertEquals(Set.of(2, 18, 21, 22), nic.vlanMirror(VF), "removing what is not mirrored changes nothing");

        nic.removeVlanMirror(VF, new TreeSet<>(VlanList.parse("0-4095")));
        assertEquals(Set.of(), nic.vlanMirror(VF), "the driver's way to clear");
        assertTrue(runner.calls.isEmpty());
    }

    @Test
    void theRealFilesGetTheCommandInOneWrite() throws IOException {
        I40eSysfsNic plain = new I40eSysfsNic(sys, runner, "ip");
        plain.addVlanMirror(VF, Set.of(2, 4, 18, 19, 20));
        assertEquals("add 2,4,18-20", file("vlan_mirror"));
        plain.removeVlanMirror(VF, Set.of(15, 16, 17));
        assertEquals("rem 15-17", file("vlan_mirror"));
    }

    @Test
    void emptyChangesWriteNothing() throws IOException {
        Files.writeString(vfDir.resolve("vlan_mirror"), "7");
        nic.addVlanMirror(VF, Set.of());
        nic.removeVlanMirror(VF, Set.of());
        assertEquals("7", file("vlan_mirror"));
    }

    @Test
    void moreThan192MirroredVlansAreRefusedWithoutAWrite() throws IOException {
        Files.writeString(vfDir.resolve("vlan_mirror"), "1-190\n");

        nic.addVlanMirror(VF, Set.of(100, 191, 192));
        assertEquals(192, nic.vlanMirror(VF).size(), "192 in all is allowed (100 was there)");

        ExecException e = assertThrows(ExecException.class, () -> nic.addVlanMirror(VF, Set.of(300)));
        assertTrue(e.getMessage().contains("would mirror 193 VLANs, at most 192"), e.getMessage());
        assertEquals("1-192\n", file("vlan_mirror"));

        nic.removeVlanMirror(VF, Set.of(5));
        nic.addVlanMirror(VF, Set.of(300));
        assertEquals(192, nic.vlanMirror(VF).size(), "a removal makes room");
        assertTrue(nic.vlanMirror(VF).contains(300));
    }

    @Test
    void loopbackAndLinkStateWriteTheirWords() throws IOException {
        nic.setLoopback(VF, true);
        assertEquals("on\n", file("loopback"));
        assertTrue(nic.loopback(VF));
        nic.setLoopback(VF, false);
        assertEquals("off\n", file("loopback"));
        nic.setLoopback(VF, true);
        Files.writeString(vfDir.resolve("loopback"), "ON\n");
        assertTrue(nic.loopback(VF), "the README's upper-case spelling reads as on");

        for (String state : List.of("enable", "disable", "auto")) {
            nic.setLinkState(VF, state);
            assertEquals(state + "\n", file("link_state"));
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

    /** ens1f0 with VFs 0..3: 0 in the host's namespace, 1 in namespace nsf (found by ip), 2 in a VM, 3 as set up. */
    private void layout() throws IOException {
        Path device = sys.resolve("class/net/ens1f0/device");
        Path pci = Files.createDirectories(sys.resolve("devices/pci0000:3a/0000:3a:00.0"));
        for (int n = 0; n < 4; n++) {
            Path vfPci = Files.createDirectories(pci.resolve("0000:3b:02." + n));
            Files.createSymbolicLink(device.resolve("virtfn" + n), vfPci);
            Files.createDirectories(device.resolve("sriov/" + n));
            Files.writeString(device.resolve("sriov/" + n + "/mac"), "3c:fd:fe:00:00:0" + n + "\n");
        }
        Files.createDirectories(pci.resolve("0000:3b:02.0/net/ens1f0v0"));
    }

    @Test
    void discoveryReadsTheVfsAndFindsTheirNetdevs() throws IOException {
        layout();
        RecordingRunner ip = new RecordingRunner(argv -> new CommandResult(0, argv.contains("netns")
                ? "[{\"name\":\"nsf\"},{\"name\":\"other\"}]"
                : argv.contains("nsf") ? "[{\"ifname\":\"lo\"},{\"ifname\":\"tun0\",\"parentbus\":\"pci\","
                        + "\"parentdev\":\"0000:3b:02.1\"}]" : "[]", ""));
        I40eSysfsNic i40e = new I40eSysfsNic(sys, ip, "ip");

        assertEquals(List.of(new NicDriver.NicVf(0, "", "ens1f0v0", "3c:fd:fe:00:00:00"),
                new NicDriver.NicVf(1, "nsf", "tun0", "3c:fd:fe:00:00:01"),
                new NicDriver.NicVf(2, null, "", "3c:fd:fe:00:00:02"),
                new NicDriver.NicVf(3, null, "", "3c:fd:fe:00:00:03")), i40e.vfs("ens1f0"));
        assertEquals(List.of(List.of("ip", "-j", "netns", "list"), List.of("ip", "-n", "nsf", "-d", "-j", "link", "show"),
                List.of("ip", "-n", "other", "-d", "-j", "link", "show")), ip.calls, "namespaces are searched once");
    }

    @Test
    void withoutPciLinksNoNamespaceIsSearched() {
        assertEquals(List.of(new NicDriver.NicVf(3, null, "", "")), nic.vfs("ens1f0"));
        assertTrue(runner.calls.isEmpty(), runner.calls.toString());
    }

    @Test
    void aPfWithoutADeviceDirectoryIsAnError() {
        ExecException e = assertThrows(ExecException.class, () -> nic.vfs("ens9"));
        assertTrue(e.getMessage().contains("no PF ens9"), e.getMessage());
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
