package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.Test;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.OperState;
import org.onlab.packet.MacAddress;
import org.onosproject.net.HostId;
import org.onosproject.ui.UiMessageHandler;
import org.onosproject.ui.topo.TopoUtils;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The overlay's handler on the known network of {@link GuiFixture}: exactly a session's hosts and links are
 * highlighted, the links carry the mirrored rate, and a session is created from two hosts of the map.
 */
public class MirrorTopoMessageHandlerTest extends HandlerTestBase {
    private static final String S1_S2 = "of:" + GuiFixture.S1 + "/2-of:" + GuiFixture.S2 + "/1";
    private static final String S2_S3 = "of:" + GuiFixture.S2 + "/2-of:" + GuiFixture.S3 + "/1";

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final MirrorTopoMessageHandler handler = new MirrorTopoMessageHandler(clock::get);

    @Override
    UiMessageHandler handler() {
        return handler;
    }

    private ObjectNode select(String name) {
        send(MirrorTopoMessageHandler.SELECT, json()
                .put("id", fx.session(name).id().id()));
        return conn.last("showHighlights");
    }

    private static ObjectNode json() {
        return MAPPER.createObjectNode();
    }

    private static Set<String> ids(JsonNode list) {
        Set<String> ids = new TreeSet<>();
        list.forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    private static String host(MacAddress mac) {
        return HostId.hostId(mac).toString();
    }

    @Test
    public void aRemoteSessionHighlightsItsHostsAndTheLinksOfItsCopiesOnly() {
        ObjectNode h = select("web-tap");

        assertEquals(Set.of(S1_S2, S2_S3), ids(h.get("links")));
        assertEquals(Set.of(host(GuiFixture.NSF_A), host(GuiFixture.NMF_B)), ids(h.get("hosts")));
        assertEquals(Set.of("of:" + GuiFixture.S1, "of:" + GuiFixture.S2, "of:" + GuiFixture.S3),
                ids(h.get("devices")));
        assertEquals("everything else is subdued", "min", h.get("subdue").asText());
        for (JsonNode host : h.get("hosts")) {
            boolean source = host.get("id").asText().equals(host(GuiFixture.NSF_A));
            assertEquals(source ? "S" : "M", host.get("badge").get("txt").asText());
        }
        for (JsonNode link : h.get("links")) {
            assertTrue(link.get("css").asText().contains("primary"));
        }

        ObjectNode summary = conn.last(MirrorTopoMessageHandler.SUMMARY);
        assertEquals("web-tap", summary.get("name").asText());
        assertEquals(2, summary.get("links").asInt());
        assertEquals(host(GuiFixture.NSF_A), summary.get("sources").get(0).asText());
        assertEquals(host(GuiFixture.NMF_B), summary.get("monitors").get(0).asText());
    }

    @Test
    public void aLocalSessionHighlightsItsHostsAndNoLink() {
        ObjectNode h = select("dns");

        assertEquals(Set.of(), ids(h.get("links")));
        assertEquals(Set.of(host(GuiFixture.NSF_C), host(GuiFixture.NMF_C)), ids(h.get("hosts")));
    }

    @Test
    public void linksAreLabelledWithTheRateMirroredOntoThem() {
        MirrorSession web = fx.session("web-tap");
        select("web-tap");
        clock.addAndGet(2000);
        fx.report(web, "host-a", OperState.ACTIVE, "", 1500 + 4000, 2, 0);

        send(MirrorTopoMessageHandler.REFRESH, json());
        ObjectNode h = conn.last("showHighlights");
        String rate = TopoUtils.formatPacketRate(2000).toString();
        for (JsonNode link : h.get("links")) {
            assertEquals(rate, link.get("label").asText());
            assertTrue("copies flowing: the link marches", link.get("css").asText().contains("animated"));
        }
        assertEquals(rate, conn.last(MirrorTopoMessageHandler.SUMMARY).get("rate").asText());
    }

    @Test
    public void stopAndARemovedSessionClearTheHighlights() {
        select("web-tap");
        fx.ctx.manager.removeSession(fx.session("web-tap").id());

        send(MirrorTopoMessageHandler.REFRESH, json());
        ObjectNode h = conn.last("showHighlights");
        assertEquals(0, h.get("links").size());
        assertEquals(0, h.get("hosts").size());
        assertFalse(conn.last(MirrorTopoMessageHandler.SUMMARY).has("name"));
        assertEquals(1, conn.last(MirrorTopoMessageHandler.SESSIONS).get("sessions").size());
    }

    @Test
    public void twoHostsPickedOnTheMapMakeASession() {
        send(MirrorTopoMessageHandler.CREATE, json().put("name", "picked")
                .put("source", host(GuiFixture.NSF_A)).put("monitor", host(GuiFixture.NMF_B)));

        ObjectNode answer = conn.last(MirrorTopoMessageHandler.CREATE_RESP);
        assertTrue(answer.toString(), answer.get("ok").asBoolean());
        MirrorSession picked = fx.session("picked");
        assertEquals("host:" + GuiFixture.NSF_A, picked.sources().get(0).toString());
        assertEquals("host-a", picked.tapPoints().get(0).agentId());
        assertEquals("host-b", picked.monitorPoints().get(0).agentId());
        assertEquals("the new session is shown", Set.of(S1_S2, S2_S3), ids(conn.last("showHighlights").get("links")));
    }

    @Test
    public void aRefusedPickIsAnsweredWithTheFieldAtFault() {
        send(MirrorTopoMessageHandler.CREATE, json()
                .put("source", host(GuiFixture.NSF_A)).put("monitor", host(GuiFixture.NMF_B)));
        JsonNode noName = conn.last(MirrorTopoMessageHandler.CREATE_RESP).get("error");
        assertEquals(400, noName.get("code").asInt());
        assertEquals("name", noName.get("field").asText());

        send(MirrorTopoMessageHandler.CREATE, json().put("name", "p")
                .put("source", "of:0000000000000001").put("monitor", host(GuiFixture.NMF_B)));
        JsonNode device = conn.last(MirrorTopoMessageHandler.CREATE_RESP).get("error");
        assertEquals("source", device.get("field").asText());

        send(MirrorTopoMessageHandler.CREATE, json().put("name", "p")
                .put("source", host(GuiFixture.BYSTANDER)).put("monitor", host(GuiFixture.NMF_B)));
        JsonNode bystander = conn.last(MirrorTopoMessageHandler.CREATE_RESP).get("error");
        assertEquals(400, bystander.get("code").asInt());
        assertEquals(2, fx.ctx.manager.getSessions().size());
    }
}
