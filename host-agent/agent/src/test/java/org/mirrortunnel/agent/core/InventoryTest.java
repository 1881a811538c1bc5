package org.mirrortunnel.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.agent.config.AgentConfig;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.VfId;

class InventoryTest {
    /** What the NIC reports: pf0 has VFs 1..4, and 5 appears later. */
    private final Map<String, List<NicDriver.NicVf>> nicVfs = new java.util.HashMap<>(Map.of("pf0", new ArrayList<>(List.of(
            new NicDriver.NicVf(1, "nsf", "tun0", "02:00:00:00:00:01"),
            new NicDriver.NicVf(2, "nmf", "mon0", "02:00:00:00:00:02"),
            new NicDriver.NicVf(3, null, "", "02:00:00:00:00:03"),
            new NicDriver.NicVf(4, "", "ens1f0v4", "")))));
    private final FakeHost nic = new FakeHost();

    {
        nic.reported = nicVfs;
    }

    private static AgentConfig config(String inventory) {
        AgentConfig c = new AgentConfig();
        c.inventory = List.of(new Gson().fromJson(inventory, AgentConfig.PfConfig[].class));
        return c;
    }

    @Test
    void discoveredVfsTakeTheirRolesFromIndexLists() {
        Inventory inv = Inventory.discover(config("[{\"pf\":\"pf0\",\"tunnels\":\"1,5\",\"monitors\":\"2\"}]"), nic);

        assertEquals(new Inventory.Vf(new VfId("pf0", 1), VfRole.TUNNEL, "nsf", "tun0", "02:00:00:00:00:01", true),
                inv.get(new VfId("pf0", 1)).orElseThrow());
        assertEquals(VfRole.MONITOR, inv.get(new VfId("pf0", 2)).orElseThrow().role());
        assertEquals(VfRole.VF_ROLE_UNSPECIFIED, inv.get(new VfId("pf0", 4)).orElseThrow().role(), "reported, unused");
        assertEquals(4, inv.all().size());
        assertEquals(List.of("nsf"), List.copyOf(inv.tunnelNamespaces()));
        assertEquals(new VfId("pf0", 4), inv.at("", "ens1f0v4").orElseThrow().id());

        nicVfs.get("pf0").add(new NicDriver.NicVf(5, "nsf", "tun5", ""));
        inv.refresh();
        assertEquals(VfRole.TUNNEL, inv.get(new VfId("pf0", 5)).orElseThrow().role(), "a VF that appeared later");
    }

    @Test
    void listedVfsRestrictTheUseAndPlaceWhatTheNicCannot() {
        Inventory inv = Inventory.discover(config("[{\"pf\":\"pf0\",\"vfs\":[{\"vf\":1,\"role\":\"tunnel\"},"
                + "{\"vf\":3,\"role\":\"tunnel\",\"netns\":\"vm1\",\"ifname\":\"tap3\"},{\"vf\":9,\"role\":\"monitor\","
                + "\"netns\":\"x\",\"ifname\":\"m9\"}]}]"), nic);

        assertEquals("tun0", inv.get(new VfId("pf0", 1)).orElseThrow().ifname(), "discovered, role from the list");
        assertEquals("tap3", inv.get(new VfId("pf0", 3)).orElseThrow().ifname(), "placed by the configuration");
        assertEquals(VfRole.VF_ROLE_UNSPECIFIED, inv.get(new VfId("pf0", 2)).orElseThrow().role(), "not listed");
        Inventory.Vf listedOnly = inv.get(new VfId("pf0", 9)).orElseThrow();
        assertEquals(VfRole.MONITOR, listedOnly.role());
        assertEquals(false, listedOnly.discovered());
    }

    @Test
    void aPfTheNicCannotReportKeepsItsListedVfs() {
        Inventory inv = Inventory.discover(config("[{\"pf\":\"pf7\",\"vfs\":[{\"vf\":1,\"role\":\"tunnel\","
                + "\"netns\":\"nsf\",\"ifname\":\"tun0\"}]}]"), nic);
        assertEquals(List.of(new Inventory.Vf(new VfId("pf7", 1), VfRole.TUNNEL, "nsf", "tun0")), List.copyOf(inv.all()));
    }

    @Test
    void badRoleListsAreConfigurationErrors() {
        for (String bad : List.of("[{\"pf\":\"pf0\",\"tunnels\":\"1-3\",\"monitors\":\"3\"}]",
                "[{\"pf\":\"pf0\",\"tunnels\":\"x\"}]", "[{\"pf\":\"pf0\",\"tunnels\":\"300\"}]", "[{\"pf\":\"pf0\"}]",
                "[{\"pf\":\"pf0\",\"monitors\":\"1\",\"vfs\":[{\"vf\":1,\"role\":\"tunnel\"}]}]",
                "[{\"pf\":\"-pf0\",\"tunnels\":\"1\"}]")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> Inventory.discover(config(bad), nic), bad);
            assertTrue(e instanceof IllegalArgumentException || e instanceof io.grpc.StatusRuntimeException, bad);
        }
    }
}
