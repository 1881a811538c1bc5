package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.Test;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.TapAt;
import org.onosproject.ui.UiMessageHandler;

import java.util.Set;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The Mirror Sessions view's handler on the real manager: rows, details, actions and the add form's errors.
 */
public class MirrorSessionsMessageHandlerTest extends HandlerTestBase {
    private final MirrorSessionsMessageHandler handler = new MirrorSessionsMessageHandler();

    @Override
    UiMessageHandler handler() {
        return handler;
    }

    private ObjectNode ask(String event, String payload, String answer) {
        send(event, json(payload));
        return conn.last(answer);
    }

    private JsonNode row(ObjectNode table, String name) {
        for (JsonNode r : table.get(MirrorSessionsMessageHandler.SESSIONS)) {
            if (r.get("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no row " + name + " in " + table);
    }

    @Test
    public void rowsShowDefinitionStatePerHostAndCounters() {
        ObjectNode table = ask(MirrorSessionsMessageHandler.DATA_REQ, "{}", MirrorSessionsMessageHandler.DATA_RESP);

        assertEquals(2, table.get(MirrorSessionsMessageHandler.SESSIONS).size());
        JsonNode web = row(table, "web-tap");
        assertEquals(fx.session("web-tap").id().id(), web.get("id").asText());
        assertEquals("3000", web.get("vlans").asText());
        assertEquals("host-a:nsf/svc0", web.get("sources").asText());
        assertEquals("host-b:mon0", web.get("monitors").asText());
        assertEquals("BOTH", web.get("direction").asText());
        assertEquals("ipProtocol=6 port=80", web.get("filter").asText());
        assertEquals("ENABLED", web.get("admin").asText());
        assertEquals("ACTIVE", web.get("state").asText());
        assertEquals("host-a ACTIVE, host-b ACTIVE", web.get("hosts").asText());
        assertEquals("1500", web.get("mirrored").asText());
        assertEquals("the monitor VF's rx on host-b", "1498", web.get("delivered").asText());
        assertEquals("2", web.get("errors").asText());

        JsonNode dns = row(table, "dns");
        assertEquals("3100", dns.get("vlans").asText());
        assertEquals("host:" + GuiFixture.NSF_C, dns.get("sources").asText());
        assertEquals("RX", dns.get("direction").asText());
        assertEquals("any", dns.get("filter").asText());
        assertEquals("PENDING", dns.get("state").asText());
        assertEquals("host-c PENDING", dns.get("hosts").asText());
    }

    @Test
    public void rowsFollowTheSessionsLive() {
        MirrorSession web = fx.session("web-tap");
        fx.report(web, "host-a", OperState.FAILED, "no carrier", 2500, 7, 0);
        fx.report(web, "host-b", OperState.ACTIVE, "", 0, 0, 2490);

        JsonNode row = row(ask(MirrorSessionsMessageHandler.DATA_REQ, "{}", MirrorSessionsMessageHandler.DATA_RESP),
                "web-tap");
        assertEquals("FAILED", row.get("state").asText());
        assertEquals("host-a FAILED, host-b ACTIVE", row.get("hosts").asText());
        assertEquals("2500", row.get("mirrored").asText());
        assertEquals("2490", row.get("delivered").asText());
        assertEquals("7", row.get("errors").asText());
    }

    @Test
    public void detailsHoldEveryHostsStateAndCounters() {
        String id = fx.session("web-tap").id().id();
        ObjectNode answer = ask(MirrorSessionsMessageHandler.DETAILS_REQ, "{\"id\": \"" + id + "\"}",
                MirrorSessionsMessageHandler.DETAILS_RESP);

        JsonNode d = answer.get("details");
        assertEquals("web-tap", d.get("name").asText());
        assertEquals(3000, d.get("vlans").get(0).asInt());
        assertEquals("host-a:nsf/svc0 tunnel pf0/1", d.get("tapPoints").get(0).asText());
        assertEquals("FRONT_END", d.get("tapAt").asText());
        assertEquals("ipProtocol=6 port=80", d.get("filter").asText());
        assertEquals(1500, d.get("mirrored").asLong());
        assertEquals(1498, d.get("delivered").asLong());
        assertEquals(2, d.get("hosts").size());
        JsonNode hostA = d.get("hosts").get(0);
        assertEquals("host-a", hostA.get("agent").asText());
        assertEquals("ACTIVE", hostA.get("state").asText());
        assertEquals(1502, hostA.get("seen").asLong());
        assertEquals(1500, hostA.get("mirrored").asLong());
        assertEquals(2, hostA.get("errors").asLong());
        assertEquals(0, hostA.get("delivered").asLong());
        assertEquals(1498, d.get("hosts").get(1).get("delivered").asLong());
    }

    @Test
    public void detailsOfAnUnknownSessionAnswer404() {
        ObjectNode answer = ask(MirrorSessionsMessageHandler.DETAILS_REQ, "{\"id\": \"ms-nope\"}",
                MirrorSessionsMessageHandler.DETAILS_RESP);

        assertFalse(answer.has("details"));
        assertEquals(404, answer.get("error").get("code").asInt());
        assertEquals("no session ms-nope", answer.get("error").get("message").asText());
    }

    @Test
    public void disableEnableAndRemoveCallTheAdminService() {
        MirrorSession web = fx.session("web-tap");
        String id = "\"id\": \"" + web.id().id() + "\"";

        ObjectNode off = ask(MirrorSessionsMessageHandler.ACTION_REQ, "{\"action\": \"disable\", " + id + "}",
                MirrorSessionsMessageHandler.ACTION_RESP);
        assertTrue(off.get("ok").asBoolean());
        assertEquals(AdminState.DISABLED, fx.session("web-tap").adminState());

        ask(MirrorSessionsMessageHandler.ACTION_REQ, "{\"action\": \"enable\", " + id + "}",
                MirrorSessionsMessageHandler.ACTION_RESP);
        assertEquals(AdminState.ENABLED, fx.session("web-tap").adminState());

        ObjectNode removed = ask(MirrorSessionsMessageHandler.ACTION_REQ, "{\"action\": \"remove\", " + id + "}",
                MirrorSessionsMessageHandler.ACTION_RESP);
        assertEquals("web-tap", removed.get("name").asText());
        assertTrue(fx.ctx.manager.getSessionByName("web-tap").isEmpty());
        assertEquals("its VLAN is free again", Set.of(3100), fx.ctx.store.allocatedVlans());
    }

    @Test
    public void badActionsAreAnsweredWithTheErrorModelAndChangeNothing() {
        String id = fx.session("web-tap").id().id();
        ObjectNode unknownAction = ask(MirrorSessionsMessageHandler.ACTION_REQ,
                "{\"action\": \"pause\", \"id\": \"" + id + "\"}", MirrorSessionsMessageHandler.ACTION_RESP);
        assertFalse(unknownAction.get("ok").asBoolean());
        assertEquals(400, unknownAction.get("error").get("code").asInt());
        assertEquals("action", unknownAction.get("error").get("field").asText());

        ObjectNode unknownSession = ask(MirrorSessionsMessageHandler.ACTION_REQ,
                "{\"action\": \"remove\", \"id\": \"ms-gone\"}", MirrorSessionsMessageHandler.ACTION_RESP);
        assertEquals(404, unknownSession.get("error").get("code").asInt());
        assertEquals(2, fx.ctx.manager.getSessions().size());
    }

    @Test
    public void addCreatesASessionFromTheRestJson() {
        ObjectNode answer = ask(MirrorSessionsMessageHandler.ADD_REQ, "{\"session\": {\"name\": \"more\","
                + " \"sources\": [\"host-a:nsf/svc1\"], \"monitors\": [\"host-b:mon0\"], \"direction\": \"tx\","
                + " \"tapAt\": \"back_end\", \"filter\": {\"dstPrefix\": \"10.0.0.0/8\", \"prefix\": \"10.1.0.0/16\","
                + " \"ipProtocol\": 17, \"port\": 53}, \"sampleEvery\": 4}}",
                MirrorSessionsMessageHandler.ADD_RESP);

        assertTrue(answer.toString(), answer.get("ok").asBoolean());
        MirrorSession more = fx.session("more");
        assertEquals(more.id().id(), answer.get("id").asText());
        assertEquals(4, more.sampleEvery());
        assertEquals("10.0.0.0/8", more.filter().dstPrefix().orElseThrow().toString());
        assertEquals("10.1.0.0/16", more.filter().prefix().orElseThrow().toString());
        assertEquals(53, more.filter().port());
        assertEquals(TapAt.BACK_END, more.tapAt());
        JsonNode d = ask(MirrorSessionsMessageHandler.DETAILS_REQ, "{\"id\": \"" + more.id().id() + "\"}",
                MirrorSessionsMessageHandler.DETAILS_RESP).get("details");
        assertEquals("BACK_END", d.get("tapAt").asText());
        assertEquals("the back end's tunnel is outside the network function's namespace",
                "host-a:nsf/svc1 tunnel pf0/3", d.get("tapPoints").get(0).asText());
        assertEquals("dstPrefix=10.0.0.0/8 prefix=10.1.0.0/16 ipProtocol=17 port=53", d.get("filter").asText());
    }

    @Test
    public void addRefusesWhatRestRefusesWithTheSameFieldAndChangesNothing() {
        String[][] cases = {
            {"{\"name\": \"x\", \"sources\": [\"host-a:nsf/svc1\"], \"monitors\": [\"host-b:mon0\"],"
                + " \"vlans\": [5000]}", "400", "vlans[0]", "must be 1..4094, not 5000"},
            {"{\"name\": \"x\", \"sources\": [\"nope:svc0\"], \"monitors\": [\"host-b:mon0\"]}",
                "400", "sources[0]", "unknown agent 'nope'"},
            {"{\"name\": \"x\", \"sources\": [\"host-a:nsf/svc1\"], \"monitors\": [\"host-b:mon0\"],"
                + " \"filter\": {\"srcPort\": \"http\"}}", "400", "filter.srcPort", "must be an integer"},
            {"{\"name\": \"web-tap\", \"sources\": [\"host-a:nsf/svc1\"], \"monitors\": [\"host-b:mon0\"]}",
                "409", "name", "a session named 'web-tap' exists"},
            {"{\"sources\": [\"host-a:nsf/svc1\"], \"monitors\": [\"host-b:mon0\"]}", "400", "name", "is required"},
            {"{\"name\": \"x\", \"sources\": [\"host-a:nsf/svc1\"], \"monitors\": [\"host-b:mon0\"],"
                + " \"tapAt\": \"middle\"}", "400", "tapAt", "must be one of FRONT_END, BACK_END"},
            {"{\"name\": \"x\", \"sources\": [\"host-a:nsf/svc1\"], \"monitors\": [\"host-b:mon0\"],"
                + " \"filter\": {\"port\": 53}}", "400", "filter.ipProtocol", "needs protocol"},
        };
        for (String[] c : cases) {
            ObjectNode answer = ask(MirrorSessionsMessageHandler.ADD_REQ, "{\"session\": " + c[0] + "}",
                    MirrorSessionsMessageHandler.ADD_RESP);
            JsonNode error = answer.get("error");
            assertFalse(c[0], answer.get("ok").asBoolean());
            assertEquals(c[0], Integer.parseInt(c[1]), error.get("code").asInt());
            assertEquals(c[0], c[2], error.get("field").asText());
            assertThat(c[0], error.get("message").asText(), containsString(c[3]));
        }
        assertEquals(2, fx.ctx.manager.getSessions().size());
        assertEquals(Set.of(3000, 3100), fx.ctx.store.allocatedVlans());
    }
}
