package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.Test;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.TapAt;

import org.onlab.osgi.TestServiceDirectory;
import org.onlab.packet.IpPrefix;
import org.onosproject.codec.CodecService;

import javax.ws.rs.client.Entity;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The sessions resource: every endpoint, every documented status, and bad inputs that change nothing.
 */
public class SessionsWebResourceTest extends MirrorResourceTest {
    private static final String SESSIONS = "v1/sessions";
    private static final String WEB = "{\"name\": \"web\", \"sources\": [\"host1:nsf1/svc0\"], "
            + "\"monitors\": [\"host1:mon0\"]}";

    private Response post(String path, String body) {
        return target(path).request().post(Entity.json(body));
    }

    private Response put(String id, String body) {
        return target(SESSIONS + "/" + id).request().put(Entity.json(body));
    }

    private JsonNode create(String body) {
        return json(post(SESSIONS, body), 201);
    }

    private static String named(String name, String source) {
        return "{\"name\": \"" + name + "\", \"sources\": [\"" + source + "\"], \"monitors\": [\"host2:mon0\"]}";
    }

    @Test
    public void createAnswers201WithTheLocationOfTheSession() {
        Response r = post(SESSIONS, "{\"name\": \"web\", \"sources\": [\"host1:nsf1/svc0\"], "
                + "\"monitors\": [\"host2:mon0\"], \"direction\": \"rx\", \"snaplen\": 128, "
                + "\"filter\": {\"srcPrefix\": \"10.0.1.0/24\", \"dstPrefix\": \"10.0.2.7\", \"ipProtocol\": 6, "
                + "\"dstPort\": 443}}");
        JsonNode s = json(r, 201);
        String id = s.get("id").asText();
        assertThat(r.getLocation().toString(), endsWith("/" + SESSIONS + "/" + id));
        assertEquals("RX", s.get("direction").asText());
        assertEquals("[3000]", s.get("vlans").toString());
        assertEquals("{\"srcPrefix\":\"10.0.1.0/24\",\"dstPrefix\":\"10.0.2.7/32\",\"ipProtocol\":6,\"dstPort\":443}",
                s.get("filter").toString());
        assertEquals("{\"pf\":\"pf0\",\"index\":1}", s.get("tapPoints").get(0).get("tunnel").toString());
        assertEquals("PENDING", s.get("operState").asText());
        assertEquals(s, json(target(SESSIONS + "/" + id).request().get(), 200));
        assertEquals(1, ctx.manager.getSessions().size());
    }

    @Test
    public void eitherSideFilterPartsAndTheTapPointAreStoredAndAnswered() {
        JsonNode s = create("{\"name\": \"dns\", \"sources\": [\"host1:nsf1/svc0\"], \"monitors\": [\"host2:mon0\"],"
                + " \"tapAt\": \"back_end\","
                + " \"filter\": {\"prefix\": \"10.0.0.53\", \"ipProtocol\": 17, \"port\": 5000}}");
        String id = s.get("id").asText();
        assertEquals("BACK_END", s.get("tapAt").asText());
        assertEquals("{\"prefix\":\"10.0.0.53/32\",\"ipProtocol\":17,\"port\":5000}",
                s.get("filter").toString());
        assertEquals("the back end's tunnel is outside the source's namespace", "{\"pf\":\"pf0\",\"index\":2}",
                s.get("tapPoints").get(0).get("tunnel").toString());
        MirrorSession stored = ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow();
        assertEquals(TapAt.BACK_END, stored.tapAt());
        assertEquals(5000, stored.filter().port());
        assertEquals(IpPrefix.valueOf("10.0.0.53/32"), stored.filter().prefix().orElseThrow());

        JsonNode front = json(put(id, s.toString().replace("BACK_END", "FRONT_END")), 200);
        assertEquals("FRONT_END", front.get("tapAt").asText());
        assertEquals("{\"pf\":\"pf0\",\"index\":1}", front.get("tapPoints").get(0).get("tunnel").toString());
        assertEquals("FRONT_END", create(named("web", "host1:nsf2/svc0")).get("tapAt").asText());
    }

    @Test
    public void listSortsByNamePagesAndFiltersByStateAndAgent() {
        create(named("charlie", "host1:nsf1/svc0"));
        String alpha = create(named("alpha", "host1:nsf2/svc0")).get("id").asText();
        create(named("bravo", "host3:nsf1/svc0"));

        JsonNode page = json(target(SESSIONS).queryParam("limit", "2").request().get(), 200);
        assertEquals(3, page.get("total").asInt());
        assertEquals(List.of("alpha", "bravo"), names(page));
        assertEquals(List.of("charlie"), names(json(target(SESSIONS).queryParam("offset", "2").request().get(),
                200)));
        assertEquals(List.of("bravo"), names(json(target(SESSIONS).queryParam("agent", "host3").request().get(),
                200)));

        ctx.store.updateHostState(MirrorSessionId.of(alpha), "host1", new HostState(OperState.ACTIVE, "",
                MirrorCounters.ZERO));
        ctx.store.updateHostState(MirrorSessionId.of(alpha), "host2", new HostState(OperState.ACTIVE, "",
                MirrorCounters.ZERO));
        assertEquals(List.of("alpha"), names(json(target(SESSIONS).queryParam("state", "active").request().get(),
                200)));
        assertEquals(List.of("bravo", "charlie"), names(json(target(SESSIONS).queryParam("state", "PENDING")
                .request().get(), 200)));
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("sessions").forEach(s -> names.add(s.get("name").asText()));
        return names;
    }

    @Test
    public void badQueryParametersAre400() {
        for (String[] q : new String[][]{{"limit", "0"}, {"limit", "1001"}, {"limit", "ten"}, {"offset", "-1"},
                {"offset", "99999999999"}, {"state", "SLEEPING"}}) {
            assertThat(error(target(SESSIONS).queryParam(q[0], q[1]).request().get(), 400, q[0]),
                    containsString(q[0]));
        }
    }

    @Test
    public void unknownSessionsAre404ForEveryVerb() {
        create(WEB);
        for (String id : new String[]{"ms-nope", "no%20such", "%C3%BC"}) {
            String path = SESSIONS + "/" + id;
            error(target(path).request().get(), 404, null);
            error(target(path + "/stats").request().get(), 404, null);
            error(put(id, WEB), 404, null);
            error(target(path).request().delete(), 404, null);
            error(post(path + "/enable", ""), 404, null);
            error(post(path + "/disable", ""), 404, null);
        }
        assertEquals(1, ctx.manager.getSessions().size());
    }

    @Test
    public void putChangesTheDefinitionAndTakesBackWhatGetGave() {
        JsonNode s = create(WEB);
        String id = s.get("id").asText();
        ObjectNode changed = (ObjectNode) s.deepCopy();
        changed.put("name", "web2").put("direction", "tx").putArray("monitors").add("host3:mon0");
        JsonNode after = json(put(id, changed.toString()), 200);
        assertEquals("web2", after.get("name").asText());
        assertEquals("TX", after.get("direction").asText());
        assertEquals("host3", after.get("monitorPoints").get(0).get("agent").asText());
        assertEquals(s.get("vlans"), after.get("vlans"));

        JsonNode again = json(target(SESSIONS + "/" + id).request().get(), 200);
        assertEquals(again.get("name"), json(put(id, again.toString()), 200).get("name"));
    }

    @Test
    public void putRefusesAnotherIdOrAnAdminStateChange() {
        JsonNode s = create(WEB);
        String id = s.get("id").asText();
        MirrorSession before = ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow();
        error(put(id, ((ObjectNode) s.deepCopy()).put("id", "ms-other").toString()), 400, "id");
        error(put(id, ((ObjectNode) s.deepCopy()).put("adminState", "DISABLED").toString()), 400, "adminState");
        assertEquals(before, ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow());
    }

    @Test
    public void deleteAnswers204ThenTheSessionIsGoneAndItsVlanFree() {
        String id = create(WEB).get("id").asText();
        Response r = target(SESSIONS + "/" + id).request().delete();
        assertEquals(204, r.getStatus());
        error(target(SESSIONS + "/" + id).request().get(), 404, null);
        error(target(SESSIONS + "/" + id).request().delete(), 404, null);
        assertTrue(ctx.store.allocatedVlans().isEmpty());
    }

    @Test
    public void enableAndDisableSwitchTheAdminStateOnly() {
        JsonNode s = create(WEB);
        String id = s.get("id").asText();
        JsonNode off = json(post(SESSIONS + "/" + id + "/disable", ""), 200);
        assertEquals("DISABLED", off.get("adminState").asText());
        assertEquals(s.get("vlans"), off.get("vlans"));
        assertEquals("ENABLED", json(post(SESSIONS + "/" + id + "/enable", ""), 200).get("adminState").asText());
    }

    @Test
    public void statsSumTheHostsCounters() {
        String id = create("{\"name\": \"two\", \"sources\": [\"host1:nsf1/svc0\", \"host3:nsf1/svc0\"], "
                + "\"monitors\": [\"host2:mon0\"]}").get("id").asText();
        ctx.store.updateHostState(MirrorSessionId.of(id), "host1", new HostState(OperState.ACTIVE, "",
                new MirrorCounters(10, 4, 5, 1, 0, 0)));
        ctx.store.updateHostState(MirrorSessionId.of(id), "host3", new HostState(OperState.FAILED, "no carrier",
                new MirrorCounters(20, 6, 10, 3, 1, 0)));
        ctx.store.updateHostState(MirrorSessionId.of(id), "host2", new HostState(OperState.ACTIVE, "",
                new MirrorCounters(0, 0, 0, 0, 0, 9)));
        JsonNode stats = json(target(SESSIONS + "/" + id + "/stats").request().get(), 200);
        assertEquals("{\"seen\":30,\"mirrored\":10,\"filtered\":15,\"sampled\":4,\"errors\":1,"
                + "\"delivered\":9}",
                stats.get("counters").toString());
        assertEquals(9, stats.get("hosts").get("host2").get("counters").get("delivered").asLong());
        assertEquals("FAILED", stats.get("operState").asText());
        assertEquals("no carrier", stats.get("hosts").get("host3").get("message").asText());
    }

    @Test
    public void conflictsAre409AndChangeNothing() {
        JsonNode web = create(WEB);
        assertThat(error(post(SESSIONS, named("web", "host1:nsf2/svc0")), 409, "name"), containsString("web"));
        assertThat(error(post(SESSIONS, "{\"name\": \"other\", \"sources\": [\"host1:nsf2/svc0\"], "
                + "\"monitors\": [\"host2:mon0\"], \"vlans\": [3000]}"), 409, "vlans"), containsString("3000"));
        assertThat(error(post(SESSIONS, named("third", "host1:nsf1/svc1")), 409, "sources"),
                containsString("tunnel"));
        assertEquals(1, ctx.manager.getSessions().size());
        assertEquals(java.util.Set.of(3000), ctx.store.allocatedVlans());

        String second = create(named("second", "host1:nsf2/svc0")).get("id").asText();
        error(put(second, named("web", "host1:nsf2/svc0")), 409, "name");
        assertEquals("second", ctx.manager.getSession(MirrorSessionId.of(second)).orElseThrow().name());
        assertEquals(web.get("id"), json(target(SESSIONS + "/" + web.get("id").asText()).request().get(), 200)
                .get("id"));
    }

    @Test
    public void noReachableAgentIs503AndChangesNothing() {
        AgentStatus host1 = ctx.store.getAgent("host1").orElseThrow();
        String id = create(WEB).get("id").asText();
        ctx.store.putAgent(host1.disconnected("connection refused"));
        assertThat(error(post(SESSIONS, named("down", "host1:nsf2/svc0").replace("host2", "host1")), 503, null),
                containsString("connection refused"));
        error(put(id, WEB.replace("svc0", "svc1")), 503, null);
        assertEquals(1, ctx.manager.getSessions().size());
        assertEquals("svc0", ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow().tapPoints().get(0)
                .ifname());

        json(post(SESSIONS, named("partly", "host1:nsf2/svc0")), 201);
    }

    /** A body, the status and field it must get. */
    private static final Object[][] BAD_BODIES = {
            {"{\"name\": ", 400, null},
            {"", 400, null},
            {"[]", 400, null},
            {"\"web\"", 400, null},
            {WEB + " {}", 400, null},
            {"{\"name\": \"a\", \"name\": \"b\", \"sources\": [\"host1:svc0\"], \"monitors\": [\"host2:mon0\"]}",
                    400, null},
            {WEB.replace("\"web\"", "5"), 400, "name"},
            {WEB.replace("\"web\"", "null"), 400, "name"},
            {WEB.replace("[\"host1:nsf1/svc0\"]", "\"host1:nsf1/svc0\""), 400, "sources"},
            {WEB.replace("}", ", \"sampleEvery\": \"2\"}"), 400, "sampleEvery"},
            {WEB.replace("}", ", \"sampleEvery\": 0}"), 400, "sampleEvery"},
            {WEB.replace("}", ", \"sampleEvery\": 100000000000000000000}"), 400, "sampleEvery"},
            {WEB.replace("}", ", \"snaplen\": 1.5}"), 400, "snaplen"},
            {WEB.replace("}", ", \"snaplen\": 10}"), 400, "snaplen"},
            {WEB.replace("}", ", \"direction\": 1}"), 400, "direction"},
            {WEB.replace("}", ", \"direction\": \"sideways\"}"), 400, "direction"},
            {WEB.replace("}", ", \"colour\": \"red\"}"), 400, "colour"},
            {WEB.replace("}", ", \"filter\": []}"), 400, "filter"},
            {WEB.replace("}", ", \"filter\": {\"sport\": 80}}"), 400, "filter.sport"},
            {WEB.replace("}", ", \"filter\": {\"dstPort\": \"443\"}}"), 400, "filter.dstPort"},
            {WEB.replace("}", ", \"filter\": {\"dstPort\": 443}}"), 400, "filter.ipProtocol"},
            {WEB.replace("}", ", \"filter\": {\"srcPrefix\": \"10.0.0.300/24\"}}"), 400, "filter.srcPrefix"},
            {WEB.replace("}", ", \"filter\": {\"port\": 80}}"), 400, "filter.ipProtocol"},
            {WEB.replace("}", ", \"filter\": {\"port\": 1, \"ipProtocol\": 1}}"), 400, "filter.ipProtocol"},
            {WEB.replace("}", ", \"filter\": {\"port\": \"80\", \"ipProtocol\": 6}}"), 400, "filter.port"},
            {WEB.replace("}", ", \"filter\": {\"port\": 65536, \"ipProtocol\": 6}}"), 400, "filter.port"},
            {WEB.replace("}", ", \"filter\": {\"port\": -1, \"ipProtocol\": 6}}"), 400, "filter.port"},
            {WEB.replace("}", ", \"filter\": {\"prefix\": \"10.0.0.0/33\"}}"), 400, "filter.prefix"},
            {WEB.replace("}", ", \"filter\": {\"prefix\": 10}}"), 400, "filter.prefix"},
            {WEB.replace("}", ", \"filter\": {\"srcPrefix\": \"10.0.0.0/8\", \"prefix\": \"2001:db8::/32\"}}"),
                    400, "filter.prefix"},
            {WEB.replace("}", ", \"filter\": {\"prefix\": \"2001:db8::/32\", \"dstPrefix\": \"10.0.0.1\"}}"),
                    400, "filter.prefix"},
            {WEB.replace("}", ", \"tapAt\": \"middle\"}"), 400, "tapAt"},
            {WEB.replace("}", ", \"tapAt\": 1}"), 400, "tapAt"},
            {WEB.replace("}", ", \"tapAt\": \"back-end\"}"), 400, "tapAt"},
            {WEB.replace("}", ", \"vlans\": [\"3001\"]}"), 400, "vlans[0]"},
            {WEB.replace("}", ", \"vlans\": [4095]}"), 400, "vlans[0]"},
            {WEB.replace("}", ", \"vlans\": [0]}"), 400, "vlans[0]"},
            {WEB.replace("}", ", \"vlans\": [3001, 3001]}"), 400, "vlans"},
            {WEB.replace("}", ", \"vlans\": [1, 2, 3, 4, 5, 6, 7, 8, 9]}"), 400, "vlans"},
            {WEB.replace("[\"host1:nsf1/svc0\"]", "[]"), 400, "sources"},
            {"{\"name\": \"web\", \"sources\": [\"host1:nsf1/svc0\"]}", 400, "monitors"},
            {WEB.replace("host1:nsf1/svc0", "svc0"), 400, "sources[0]"},
            {WEB.replace("host1:nsf1/svc0", "nohost:svc0"), 400, "sources[0]"},
            {WEB.replace("host1:mon0", "host1:mon9"), 400, null},
            {WEB.replace("host1:mon0", "host:10.9.9.9"), 400, null},
            {WEB.replace("\"web\"", "\"z\u00fcrich-\u26a1\""), 400, "name"},
            {WEB.replace("host1:nsf1", "h\u00f6st1:nsf1"), 400, "sources[0]"},
            {WEB.replace("\"web\"", "\"" + "n".repeat(65) + "\""), 400, "name"},
            {WEB.replace("}", ", \"pad\": \"" + "x".repeat(MirrorWebResource.MAX_BODY) + "\"}"), 413, null},
    };

    @Test
    public void badBodiesGetTheirStatusAndCreateNothing() {
        for (Object[] bad : BAD_BODIES) {
            String body = (String) bad[0];
            String shown = body.length() > 100 ? body.substring(0, 100) + "..." : body;
            try {
                error(post(SESSIONS, body), (Integer) bad[1], (String) bad[2]);
            } catch (AssertionError e) {
                throw new AssertionError("POST " + shown + ": " + e.getMessage(), e);
            }
            assertTrue(shown, ctx.manager.getSessions().isEmpty());
            assertTrue(shown, ctx.store.allocatedVlans().isEmpty());
        }
    }

    @Test
    public void badBodiesLeaveAnExistingSessionAsItWas() {
        String id = create(WEB).get("id").asText();
        MirrorSession before = ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow();
        for (Object[] bad : BAD_BODIES) {
            String body = (String) bad[0];
            try {
                error(put(id, body), (Integer) bad[1], (String) bad[2]);
            } catch (AssertionError e) {
                throw new AssertionError("PUT " + body.substring(0, Math.min(100, body.length())) + ": "
                        + e.getMessage(), e);
            }
            assertEquals(before, ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow());
            assertEquals(java.util.Set.of(3000), ctx.store.allocatedVlans());
        }
    }

    @Test
    public void aRefusedPutKeepsTheVlansTheSessionHolds() {
        JsonNode web = create(WEB);
        create("{\"name\": \"db\", \"sources\": [\"host3:nsf1/svc0\"], \"monitors\": [\"host2:mon0\"],"
                + " \"vlans\": [3500]}");
        ObjectNode both = (ObjectNode) web.deepCopy();
        both.putArray("vlans").add(3000).add(3500);

        assertThat(error(put(web.get("id").asText(), both.toString()), 409, "vlans"), containsString("3500"));
        JsonNode next = create(named("next", "host1:nsf2/svc0"));
        assertEquals("[3001]", next.get("vlans").toString());
        assertEquals(java.util.Set.of(3000, 3001, 3500), ctx.store.allocatedVlans());
    }

    @Test
    public void putWithoutAnAdminStateLeavesItAsItIs() {
        String id = create(WEB).get("id").asText();
        json(post(SESSIONS + "/" + id + "/disable", ""), 200);

        JsonNode after = json(put(id, WEB.replace("}", ", \"sampleEvery\": 10}")), 200);
        assertEquals("DISABLED", after.get("adminState").asText());
        assertEquals(10, after.get("sampleEvery").asInt());
    }

    @Test
    public void deeplyNestedJsonIs400BeforeParsing() {
        String id = create(WEB).get("id").asText();
        MirrorSession before = ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow();
        int depth = 20_000;
        String deep = WEB.replace("}", ", \"filter\": " + "[".repeat(depth) + "]".repeat(depth) + "}");
        assertTrue(deep.length() < MirrorWebResource.MAX_BODY);

        assertThat(error(post(SESSIONS, deep), 400, null), containsString("nested"));
        assertThat(error(put(id, deep), 400, null), containsString("nested"));
        assertEquals(before, ctx.manager.getSession(MirrorSessionId.of(id)).orElseThrow());
        assertEquals(1, ctx.manager.getSessions().size());
        assertThat("brackets inside strings are text", error(post(SESSIONS, WEB.replace("\"web\"",
                "\"" + "[".repeat(depth / 10) + "\"")), 400, "name"), containsString("name must be"));
    }

    @Test
    public void anyThrowableIsTheJson500() {
        MirrorAdminService failing = (MirrorAdminService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{MirrorAdminService.class}, (proxy, method, args) -> {
                    throw new StackOverflowError("deep inside");
                });
        setServiceDirectory(new TestServiceDirectory().add(MirrorService.class, failing)
                .add(MirrorAdminService.class, failing).add(CodecService.class, new TestCodecs().manager));

        assertThat(error(target(SESSIONS).request().get(), 500, null), containsString("StackOverflowError"));
        assertThat(error(post(SESSIONS, WEB), 500, null), containsString("details in the ONOS log"));
    }

    @Test
    public void theContainersOwnRefusalsUseTheErrorModelToo() {
        error(target(SESSIONS).request().post(Entity.entity(WEB, MediaType.TEXT_PLAIN)), 415, null);
        error(target("v1/nothing").request().get(), 404, null);
        error(target(SESSIONS).request().delete(), 405, null);
        assertTrue(ctx.manager.getSessions().isEmpty());
    }
}
