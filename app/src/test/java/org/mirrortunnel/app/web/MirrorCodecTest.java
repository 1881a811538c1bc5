package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.Test;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.Direction;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.TapAt;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onlab.packet.IpPrefix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

/**
 * Every codec decodes what it encodes; the documented JSON examples decode; bad JSON names its field.
 */
public class MirrorCodecTest {
    private static final Path DEFINITIONS = Path.of("src/main/resources/definitions");

    private final TestCodecs codecs = new TestCodecs();

    private static final VfId TUNNEL = new VfId("enp1s0f0", 1);
    private static final MirrorCounters COUNTERS = new MirrorCounters(100, 40, 50, 10, 2, 38);
    private static final MirrorFilter FILTER = MirrorFilter.builder().srcPrefix(IpPrefix.valueOf("10.0.1.0/24"))
            .dstPrefix(IpPrefix.valueOf("10.0.2.7/32")).ipProtocol(17).srcPort(53).dstPort(5353).build();
    private static final MirrorFilter EITHER_SIDE = MirrorFilter.builder().prefix(IpPrefix.valueOf("2001:db8::/32"))
            .dstPrefix(IpPrefix.valueOf("2001:db8::7/128")).ipProtocol(132).port(5000).build();
    private static final MirrorSession SESSION = MirrorSession.builder().id(MirrorSessionId.of("ms-1"))
            .name("dns").sources(List.of(MirrorEndpoint.parse("host1:nsf1/svc0"),
                    MirrorEndpoint.parse("host:02:00:00:00:00:01")))
            .monitors(List.of(MirrorEndpoint.parse("host2:mon0"), MirrorEndpoint.parse("host:10.0.0.9")))
            .tapAt(TapAt.BACK_END).direction(Direction.TX).filter(FILTER).sampleEvery(4).snaplen(128)
            .vlans(List.of(3001, 3002))
            .adminState(AdminState.DISABLED)
            .tapPoints(List.of(new TapPoint("host1", "nsf1", "svc0", TUNNEL)))
            .monitorPoints(List.of(new MonitorPoint("host2", new VfId("enp1s0f0", 9))))
            .hostStates(Map.of("host1", new HostState(OperState.DISABLED, "", COUNTERS),
                    "host2", new HostState(OperState.FAILED, "no VF", MirrorCounters.ZERO)))
            .created(1000).updated(2000).build();
    private static final AgentStatus AGENT = new AgentStatus("host1", "10.0.0.1:50051", "onos-1", true, "0.1.0",
            "emulated", List.of(new AgentVf(TUNNEL, AgentVf.Role.TUNNEL, "nsf1", "tun0", ""),
            new AgentVf(new VfId("enp1s0f0", 9), AgentVf.Role.MONITOR, "", "mon0", "02:00:00:00:00:09")), "");

    private <T> void assertRoundTrip(Class<T> type, T value) {
        ObjectNode json = codecs.codec(type).encode(value, codecs);
        assertEquals(json.toString(), value, codecs.codec(type).decode(json, codecs));
    }

    @Test
    public void everyModelTypeRoundTrips() {
        assertRoundTrip(MirrorSession.class, SESSION);
        assertRoundTrip(MirrorSession.class, MirrorSession.builder().name("plain")
                .sources(List.of(MirrorEndpoint.parse("a:b"))).monitors(List.of(MirrorEndpoint.parse("a:m")))
                .build());
        assertRoundTrip(MirrorFilter.class, FILTER);
        assertRoundTrip(MirrorFilter.class, EITHER_SIDE);
        assertRoundTrip(MirrorSession.class, SESSION.toBuilder().tapAt(TapAt.FRONT_END).filter(EITHER_SIDE).build());
        assertRoundTrip(MirrorFilter.class, MirrorFilter.ANY);
        assertRoundTrip(HostState.class, new HostState(OperState.PENDING, "waiting", COUNTERS));
        assertRoundTrip(MirrorCounters.class, COUNTERS);
        assertRoundTrip(TapPoint.class, new TapPoint("host1", "", "eth0", TUNNEL));
        assertRoundTrip(MonitorPoint.class, new MonitorPoint("host1", TUNNEL));
        assertRoundTrip(AgentStatus.class, AGENT);
        assertRoundTrip(AgentStatus.class, AGENT.disconnected("refused"));
        assertRoundTrip(AgentVf.class, AGENT.vfs().get(1));
        assertRoundTrip(VfId.class, TUNNEL);
    }

    @Test
    public void everyCodecIsRegistered() {
        assertEquals(MirrorCodecRegistrator.CODECS.keySet(), codecs.manager.getCodecs().stream()
                .filter(MirrorCodecRegistrator.CODECS::containsKey).collect(java.util.stream.Collectors.toSet()));
    }

    private static ObjectNode example(String definition) throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(DEFINITIONS.resolve(definition + ".json").toFile())
                .get("example");
    }

    @Test
    public void theDocumentedExamplesAreWhatTheCodecsReadAndWrite() throws IOException {
        MirrorSession request = codecs.codec(MirrorSession.class).decode(example("SessionRequest"), codecs);
        assertEquals("web-frontend", request.name());
        ObjectNode session = example("Session");
        assertEquals(session.toString(), codecs.codec(MirrorSession.class).encode(
                codecs.codec(MirrorSession.class).decode(session, codecs), codecs).toString());
        ObjectNode agent = example("Agent");
        assertEquals(agent.toString(), codecs.codec(AgentStatus.class).encode(
                codecs.codec(AgentStatus.class).decode(agent, codecs), codecs).toString());
        JsonNode error = example("Error");
        assertEquals(409, error.get("code").asInt());
        for (String name : new String[]{"SessionPage", "SessionStats", "Agents", "VlanPool"}) {
            assertEquals(name, name, new ObjectMapper().readTree(DEFINITIONS.resolve(name + ".json").toFile())
                    .get("title").asText());
        }
        assertEquals(Files.list(DEFINITIONS).count(), 8);
    }

    private void assertRefused(Class<?> type, String json, String field) throws IOException {
        try {
            codecs.codec(type).decode((ObjectNode) new ObjectMapper().readTree(json), codecs);
            fail("accepted " + json);
        } catch (ApiError e) {
            assertEquals(e.getMessage(), field, e.field());
            assertEquals(400, e.status());
        }
    }

    @Test
    public void badJsonNamesTheFieldAtFault() throws IOException {
        assertRefused(AgentStatus.class, "{\"id\": \"a\", \"address\": \"x\", \"vfs\": [{\"vf\": {\"pf\": \"p\", "
                + "\"index\": 300}, \"role\": \"TUNNEL\", \"ifname\": \"t\"}]}", "vfs[0].vf.index");
        assertRefused(AgentVf.class, "{\"vf\": {\"pf\": \"p\", \"index\": 1}, \"role\": \"BOSS\", \"ifname\": \"t\"}",
                "role");
        assertRefused(HostState.class, "{\"state\": \"ACTIVE\", \"counters\": {\"seen\": -1}}", "counters.seen");
        assertRefused(MirrorSession.class, "{\"name\": \"a\", \"sources\": [\"h:s\"], \"monitors\": [\"h:m\"], "
                + "\"hosts\": {\"h\": {\"state\": 1}}}", "hosts.h.state");
        assertRefused(MirrorSession.class, "{\"name\": \"a\", \"sources\": [\"h:s\"], \"monitors\": [\"h:m\"], "
                + "\"tapPoints\": [{\"agent\": \"h\", \"ifname\": \"s\"}]}", "tapPoints[0].tunnel");
        assertRefused(MirrorSession.class, "{\"id\": \"bad id\", \"name\": \"a\", \"sources\": [\"h:s\"], "
                + "\"monitors\": [\"h:m\"]}", "id");
        assertRefused(MonitorPoint.class, "{\"agent\": \"h\", \"vf\": \"pf0/1\"}", "vf");
        assertRefused(MirrorFilter.class, "{\"port\": 0.5, \"ipProtocol\": 17}", "port");
        assertRefused(MirrorFilter.class, "{\"prefix\": \"ten\"}", "prefix");
        String session = "{\"name\": \"a\", \"sources\": [\"h:s\"], \"monitors\": [\"h:m\"], ";
        assertRefused(MirrorSession.class, session + "\"filter\": {\"port\": 53, \"ipProtocol\": 1}}",
                "filter.ipProtocol");
        assertRefused(MirrorSession.class, session + "\"filter\": {\"prefix\": \"10.0.0.0/8\","
                + " \"dstPrefix\": \"::1\"}}", "filter.prefix");
        assertRefused(MirrorSession.class, "{\"name\": \"a\", \"sources\": [\"h:s\"], \"monitors\": [\"h:m\"], "
                + "\"tapAt\": \"side\"}", "tapAt");
    }
}
