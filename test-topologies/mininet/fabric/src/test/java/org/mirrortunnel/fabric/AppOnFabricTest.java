package org.mirrortunnel.fabric;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.net.host.HostServiceAdapter;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentState;
import org.onosproject.net.intent.SinglePointToMultiPointIntent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app's real manager on the fabric's ONOS core: what it submits is what ONOS's compilers turn into flows. */
class AppOnFabricTest {
    private TestFabric fabric;
    private FabricNetworkConfig netcfg;
    private MirrorApp app;

    @BeforeEach
    void setUp() throws IOException {
        fabric = new TestFabric();
        netcfg = new FabricNetworkConfig(fabric.appIds);
        netcfg.upload(new ObjectMapper().readTree("{\"apps\": {\"org.mirrortunnel.app\": {\"agents\": {"
                + "\"h1\": {\"address\": \"127.0.0.1:1\", \"plaintext\": true, \"uplink\": \"of:0000000000000001/3\"},"
                + "\"h2\": {\"address\": \"127.0.0.1:2\", \"plaintext\": true, \"uplink\": \"of:0000000000000002/3\"},"
                + "\"h3\": {\"address\": \"127.0.0.1:3\", \"plaintext\": true}}}}}"));
        app = new MirrorApp(fabric.appIds, fabric.intents, netcfg, new HostServiceAdapter(), false, Map.of());
        for (String h : List.of("h1", "h2", "h3")) {
            app.store().putAgent(new AgentStatus(h, "127.0.0.1:1", "fabric", true, "1", "emulated", List.of(
                    new AgentVf(new VfId("pf0", 1), AgentVf.Role.TUNNEL, "nsf", "tun0", ""),
                    new AgentVf(new VfId("pf0", 2), AgentVf.Role.MONITOR, "nmf", "mon0", "")), ""));
        }
    }

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.stop();
        }
        fabric.close();
    }

    private MirrorSession create(String name, int vlan, String source, String... monitors) {
        List<MirrorEndpoint> m = new ArrayList<>();
        for (String monitor : monitors) {
            m.add(MirrorEndpoint.parse(monitor));
        }
        return app.manager().createSession(MirrorSession.builder().name(name)
                .sources(List.of(MirrorEndpoint.parse(source))).monitors(m).vlans(List.of(vlan)).build());
    }

    private List<Intent> intents() {
        return StreamSupport.stream(fabric.intents.getIntents().spliterator(), false).collect(Collectors.toList());
    }

    @Test
    void aRemoteSessionIsOneSinglePointToMultiPointIntentOfTheAppCompiledIntoVlanFlows() {
        MirrorSession s = create("two", 100, "h1:nsf/svc0", "h2:nmf/mon0", "h1:nmf/mon0");

        assertEquals(List.of(s.id().id() + "/h1/100"),
                intents().stream().map(i -> i.key().toString()).collect(Collectors.toList()));
        Intent intent = intents().get(0);
        assertTrue(intent instanceof SinglePointToMultiPointIntent, intent.toString());
        assertEquals("org.mirrortunnel.app", intent.appId().name());
        assertEquals(IntentState.INSTALLED, fabric.intents.getIntentState(intent.key()),
                fabric.intents.error(intent.key()));
        assertEquals(List.of("s1 in_port=3,dl_vlan=100 output:1", "s2 in_port=2,dl_vlan=100 output:3"),
                fabric.table(), "h1's own monitor is no egress: its NIC delivers");

        app.manager().removeSession(s.id());
        assertEquals(List.of(), fabric.table());
        assertEquals(List.of("submit", "withdraw"),
                fabric.intents.calls().stream().map(FabricIntentService.Call::op).collect(Collectors.toList()));
    }

    @Test
    void aLocalSessionSubmitsNothing() {
        create("local", 101, "h2:nsf/svc0", "h2:nmf/mon0");
        assertEquals(List.of(), intents());
        assertEquals(List.of(), fabric.table());
    }

    @Test
    void aMonitorHostWithoutUplinkInTheNetworkConfigIsRefusedAndNothingIsSubmitted() {
        MirrorException e = assertThrows(MirrorException.class,
                () -> create("nowhere", 102, "h1:nsf/svc0", "h3:nmf/mon0"));
        assertTrue(e.getMessage().contains("uplink of agent h3"), e.getMessage());
        assertEquals(List.of(), intents());
        assertEquals(List.of(), List.copyOf(app.manager().getSessions()));
    }
}
