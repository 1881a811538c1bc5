package org.mirrortunnel.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.easymock.Capture;
import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.Direction;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.TapAt;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.mirrortunnel.app.web.TestCodecs;
import org.onlab.junit.TestUtils;
import org.onlab.packet.IpPrefix;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.easymock.EasyMock.anyObject;
import static org.easymock.EasyMock.capture;
import static org.easymock.EasyMock.createStrictMock;
import static org.easymock.EasyMock.expect;
import static org.easymock.EasyMock.newCapture;
import static org.easymock.EasyMock.replay;
import static org.easymock.EasyMock.verify;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;

/**
 * The commands against a strict EasyMock of the admin service: a bad argument prints one line on the error
 * stream and reaches no service call that changes anything; the completers offer what the service holds.
 */
public class MirrorCommandsTest {
    private static final MirrorSession WEB = MirrorSession.builder().id(MirrorSessionId.of("ms-1")).name("web")
            .sources(List.of(MirrorEndpoint.parse("host-a:svc0")))
            .monitors(List.of(MirrorEndpoint.parse("host-a:mon0"))).vlans(List.of(3000)).build();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;
    private MirrorAdminService admin;

    /** SLF4J reports a missing binding on the error stream when it makes its first logger: before the capture. */
    @BeforeClass
    public static void startLogging() {
        LoggerFactory.getLogger(MirrorCommandsTest.class);
    }

    @Before
    public void setUp() {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        admin = createStrictMock(MirrorAdminService.class);
    }

    @After
    public void tearDown() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private static List<String> lines(ByteArrayOutputStream stream) {
        String text = stream.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** Runs mirror-add web host-a:svc0 host-a:mon0 with the options the given code sets. */
    private void add(Consumer<MirrorAddCommand> options) {
        MirrorAddCommand command = new MirrorAddCommand();
        command.name = "web";
        command.sources = "host-a:svc0";
        command.monitors = "host-a:mon0";
        options.accept(command);
        command.run(admin);
    }

    /** Asserts one error line naming the problem, nothing printed on the output, and no other call made. */
    private void assertOneErrorLine(String prefix, String reason) {
        verify(admin);
        List<String> errors = lines(err);
        assertEquals("one line: " + errors, 1, errors.size());
        assertThat(errors.get(0), startsWith(prefix));
        assertThat(errors.get(0), containsString(reason));
        assertEquals(List.of(), lines(out));
    }

    @Test
    public void addWithABadEndpointAsksTheServiceNothing() {
        replay(admin);
        add(c -> c.monitors = "host-a:mon0,mon1");
        assertOneErrorLine("mirror-add: ", "'mon1'");
    }

    @Test
    public void addWithABadDirectionAsksTheServiceNothing() {
        replay(admin);
        add(c -> c.direction = "sideways");
        assertOneErrorLine("mirror-add: ", "direction must be rx, tx or both, not 'sideways'");
    }

    @Test
    public void addWithABadPrefixAsksTheServiceNothing() {
        replay(admin);
        add(c -> c.srcPrefix = "10.0.0.300/24");
        assertOneErrorLine("mirror-add: ", "10.0.0.300");
    }

    @Test
    public void aBadOptionValueNamesTheOption() {
        replay(admin);
        add(c -> c.srcPrefix = "10.0.0.0/abc");
        add(c -> c.dstPrefix = "fe80::/200");
        add(c -> c.snaplen = 10);
        add(c -> c.sampleEvery = 0);
        add(c -> c.vlan = 5000);
        add(c -> c.prefix = "10.0.0.0/99");
        add(c -> {
            c.protocol = 6;
            c.port = 70000;
        });
        add(c -> {
            c.dstPrefix = "10.0.0.0/8";
            c.prefix = "2001:db8::/32";
        });
        add(c -> c.tapAt = "middle");
        verify(admin);
        List<String> errors = lines(err);
        assertEquals(errors.toString(), 9, errors.size());
        assertThat(errors.get(0), startsWith("mirror-add: --src 10.0.0.0/abc: "));
        assertThat(errors.get(1), startsWith("mirror-add: --dst fe80::/200: "));
        assertThat(errors.get(2), startsWith("mirror-add: --snaplen 10: "));
        assertThat(errors.get(3), startsWith("mirror-add: --sample 0: "));
        assertThat(errors.get(4), startsWith("mirror-add: --vlan 5000: "));
        assertThat(errors.get(5), startsWith("mirror-add: --net 10.0.0.0/99: "));
        assertThat(errors.get(6), startsWith("mirror-add: --port 70000: ports must be 0..65535"));
        assertThat(errors.get(7), startsWith("mirror-add: --net 2001:db8::/32: "));
        assertThat(errors.get(7), containsString("different families"));
        assertEquals("mirror-add: --tap-at middle: TAP point must be front-end or back-end, not 'middle'",
                errors.get(8));
    }

    @Test
    public void mirrorsShowsTheTapPointAndTheFilter() {
        MirrorSession back = WEB.toBuilder().tapAt(TapAt.BACK_END).filter(MirrorFilter.builder()
                .prefix(IpPrefix.valueOf("10.1.0.0/16")).ipProtocol(17).port(5000).build()).build();
        expect(admin.getSessions()).andReturn(List.of(back));
        replay(admin);
        new MirrorListCommand().run(admin, new TestCodecs());

        verify(admin);
        List<String> rows = lines(out);
        assertEquals(2, rows.size());
        assertThat(rows.get(0), containsString("TAP-AT"));
        assertThat(rows.get(0), containsString("FILTER"));
        assertThat(rows.get(1), containsString(" back-end "));
        assertThat(rows.get(1), containsString("prefix=10.1.0.0/16 ipProtocol=17 port=5000"));
    }

    @Test
    public void mirrorsAsJsonIsWhatTheRestApiAnswers() throws java.io.IOException {
        MirrorSession reported = WEB.toBuilder().tapPoints(List.of(new TapPoint("host-a", "", "svc0",
                new VfId("pf0", 1)))).hostStates(Map.of("host-a", new HostState(OperState.FAILED, "no carrier",
                new MirrorCounters(5, 4, 1, 0, 0, 4)))).build();
        expect(admin.getSessions()).andReturn(List.of(reported));
        replay(admin);
        MirrorListCommand command = new MirrorListCommand();
        TestUtils.setField(command, "json", true);
        TestCodecs codecs = new TestCodecs();
        command.run(admin, codecs);

        verify(admin);
        ArrayNode expected = codecs.mapper().createArrayNode()
                .add(codecs.codec(MirrorSession.class).encode(reported, codecs));
        assertEquals(new ObjectMapper().readTree(expected.toString()), json(out));
    }

    private static JsonNode json(ByteArrayOutputStream stream) {
        try {
            return new ObjectMapper().readTree(stream.toString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + stream, e);
        }
    }

    @Test
    public void addWithPortsButNoProtocolAsksTheServiceNothing() {
        replay(admin);
        add(c -> c.dstPort = 80);
        assertOneErrorLine("mirror-add: ", "filtering on ports needs protocol");
    }

    @Test
    public void addWithAnOutOfRangeSnaplenOrVlanAsksTheServiceNothing() {
        replay(admin);
        add(c -> c.snaplen = 10);
        add(c -> c.vlan = 5000);
        verify(admin);
        List<String> errors = lines(err);
        assertEquals(2, errors.size());
        assertThat(errors.get(0), containsString("snaplen"));
        assertThat(errors.get(1), containsString("not [5000]"));
    }

    @Test
    public void addRefusedByTheServicePrintsItsReason() {
        expect(admin.createSession(anyObject())).andThrow(new MirrorException("a session named 'web' exists"));
        replay(admin);
        add(c -> { });
        assertOneErrorLine("mirror-add: ", "a session named 'web' exists");
    }

    @Test
    public void addPassesWhatItParsedAndPrintsTheSession() {
        Capture<MirrorSession> request = newCapture();
        expect(admin.createSession(capture(request))).andReturn(WEB);
        replay(admin);
        add(c -> {
            c.direction = "rx";
            c.dstPrefix = "10.0.0.0/24";
            c.protocol = 6;
            c.dstPort = 443;
            c.prefix = "10.1.0.0/16";
            c.port = 8443;
            c.tapAt = "back-end";
            c.vlan = 3000;
        });

        verify(admin);
        assertEquals(List.of("Created web (ms-1) on VLAN [3000]"), lines(out));
        assertEquals(List.of(), lines(err));
        MirrorSession asked = request.getValue();
        assertEquals(Direction.RX, asked.direction());
        assertEquals(IpPrefix.valueOf("10.0.0.0/24"), asked.filter().dstPrefix().orElseThrow());
        assertEquals(443, asked.filter().dstPort());
        assertEquals(IpPrefix.valueOf("10.1.0.0/16"), asked.filter().prefix().orElseThrow());
        assertEquals(8443, asked.filter().port());
        assertEquals(TapAt.BACK_END, asked.tapAt());
        assertEquals(List.of(3000), asked.vlans());
    }

    @Test
    public void sessionCommandsOnAnUnknownSessionChangeNothing() {
        for (SessionCommand command : List.of(new MirrorRemoveCommand(), new MirrorEnableCommand(),
                new MirrorDisableCommand())) {
            admin = createStrictMock(MirrorAdminService.class);
            expect(admin.getSessionByName("ms-9")).andReturn(Optional.empty());
            expect(admin.getSessions()).andReturn(List.of(WEB));
            replay(admin);
            err.reset();
            command.session = "ms-9";
            command.run(admin);
            assertOneErrorLine("no session named or numbered 'ms-9'", "");
        }
    }

    @Test
    public void sessionCommandsFindASessionByItsId() {
        expect(admin.getSessionByName("ms-1")).andReturn(Optional.empty());
        expect(admin.getSessions()).andReturn(List.of(WEB));
        expect(admin.removeSession(WEB.id())).andReturn(WEB);
        replay(admin);
        MirrorRemoveCommand command = new MirrorRemoveCommand();
        command.session = "ms-1";
        command.run(admin);

        verify(admin);
        assertEquals(List.of("Removed web"), lines(out));
    }

    @Test
    public void statsOfAnUnknownSessionIsOneLine() {
        expect(admin.getSessionByName("nope")).andReturn(Optional.empty());
        expect(admin.getSessions()).andReturn(List.of(WEB));
        replay(admin);
        MirrorStatsCommand command = new MirrorStatsCommand();
        command.session = "nope";
        command.run(admin);
        assertOneErrorLine("no session named or numbered 'nope'", "");
    }

    @Test
    public void completersOfferNamesMonitorsSourceNamespacesAndDirections() {
        expect(admin.getSessions()).andReturn(List.of(WEB, WEB.toBuilder().id(MirrorSessionId.of("ms-2"))
                .name("db").build()));
        expect(admin.getAgents()).andReturn(List.of(new AgentStatus("host-a", "10.0.0.1:50051", "node-1", true,
                "1", "i40e", List.of(
                        new AgentVf(new VfId("pf0", 1), AgentVf.Role.TUNNEL, "", "tun0", ""),
                        new AgentVf(new VfId("pf0", 2), AgentVf.Role.TUNNEL, "nsf", "tun1", ""),
                        new AgentVf(new VfId("pf0", 3), AgentVf.Role.TUNNEL, "nsf", "tun2", ""),
                        new AgentVf(new VfId("pf0", 9), AgentVf.Role.MONITOR, "", "mon0", "02:00:00:00:00:09")),
                "")));
        replay(admin);

        assertEquals(List.of("db", "web"), SessionNameCompleter.names(admin));
        assertEquals(List.of("host-a:", "host-a:mon0", "host-a:nsf/"), AgentEndpointCompleter.endpoints(admin));
        assertEquals(List.of("rx", "tx", "both"), new DirectionCompleter().choices());
        assertEquals(List.of("front-end", "back-end"), new TapAtCompleter().choices());
        verify(admin);
    }
}
