package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.Direction;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.TapAt;
import org.onlab.packet.IpPrefix;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Creates a mirror session.
 */
@Service
@Command(scope = "onos", name = "mirror-add", description = "Creates a mirror session")
public class MirrorAddCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "name", description = "Session name", required = true)
    String name;

    @Argument(index = 1, name = "sources", description = "Sources, comma-separated: agent:ifname,"
            + " agent:netns/ifname or host:MAC|IP", required = true)
    @Completion(AgentEndpointCompleter.class)
    String sources;

    @Argument(index = 2, name = "monitors", description = "Monitors, comma-separated, same forms", required = true)
    @Completion(AgentEndpointCompleter.class)
    String monitors;

    @Option(name = "-d", aliases = "--direction", description = "rx, tx or both (default both)")
    @Completion(DirectionCompleter.class)
    String direction = "both";

    @Option(name = "--tap-at", description = "The side of the sources the TAP watches: front-end (the network"
            + " function's own interface, the default) or back-end (the host side of its veth pair)")
    @Completion(TapAtCompleter.class)
    String tapAt = TapAt.FRONT_END.text();

    @Option(name = "--src", description = "Source prefix filter")
    String srcPrefix;

    @Option(name = "--dst", description = "Destination prefix filter")
    String dstPrefix;

    @Option(name = "--net", description = "Prefix filter on either side: the source or the destination is in it")
    String prefix;

    @Option(name = "--proto", description = "IP protocol number filter")
    int protocol;

    @Option(name = "--sport", description = "L4 source port filter")
    int srcPort;

    @Option(name = "--dport", description = "L4 destination port filter")
    int dstPort;

    @Option(name = "--port", description = "L4 port filter on either side: requests to it and replies from it")
    int port;

    @Option(name = "-s", aliases = "--sample", description = "Mirror 1 in N packets")
    int sampleEvery = 1;

    @Option(name = "--snaplen", description = "Cut copies to this many bytes (64..65535)")
    int snaplen;

    @Option(name = "--vlan", description = "Use this VLAN instead of one from the pool")
    Integer vlan;

    @Override
    protected void doExecute() {
        run(get(MirrorAdminService.class));
    }

    void run(MirrorAdminService admin) {
        try {
            MirrorSession created = admin.createSession(request());
            print("Created %s (%s) on VLAN %s", created.name(), created.id(), created.vlans());
        } catch (MirrorException e) {
            error("mirror-add: %s", e.getMessage());
        }
    }

    /** The request the arguments describe; a value that does not parse or fit is named by its option. */
    private MirrorSession request() {
        try {
            MirrorFilter filter = MirrorFilter.builder()
                    .srcPrefix(parsed("--src", srcPrefix, MirrorAddCommand::prefix))
                    .dstPrefix(parsed("--dst", dstPrefix, MirrorAddCommand::prefix))
                    .prefix(parsed("--net", prefix, MirrorAddCommand::prefix))
                    .ipProtocol(protocol).srcPort(srcPort).dstPort(dstPort).port(port).build();
            return MirrorSession.builder().name(name)
                    .sources(parsed("sources", sources, MirrorAddCommand::endpoints))
                    .monitors(parsed("monitors", monitors, MirrorAddCommand::endpoints))
                    .tapAt(parsed("--tap-at", tapAt, TapAt::parse))
                    .direction(parsed("--direction", direction, Direction::parse)).filter(filter)
                    .sampleEvery(sampleEvery).snaplen(snaplen).vlans(vlan == null ? List.of() : List.of(vlan))
                    .build();
        } catch (MirrorException e) {
            throw e.field().map(f -> new MirrorException(option(f) + ": " + e.getMessage())).orElse(e);
        }
    }

    /** The option (with its value) or argument behind a field of the request. */
    private String option(String field) {
        switch (field) {
            case "srcPrefix":
                return "--src " + srcPrefix;
            case "dstPrefix":
                return "--dst " + dstPrefix;
            case "ipProtocol":
                return "--proto " + protocol;
            case "srcPort":
                return "--sport " + srcPort;
            case "dstPort":
                return "--dport " + dstPort;
            case "prefix":
                return "--net " + prefix;
            case "port":
                return "--port " + port;
            case "sampleEvery":
                return "--sample " + sampleEvery;
            case "snaplen":
                return "--snaplen " + snaplen;
            case "vlans":
                return "--vlan " + vlan;
            default:
                return field;
        }
    }

    private static <T> T parsed(String option, String value, Function<String, T> parse) {
        if (value == null) {
            return null;
        }
        try {
            return parse.apply(value);
        } catch (MirrorException e) {
            throw new MirrorException(option + " " + value + ": " + e.getMessage());
        }
    }

    private static IpPrefix prefix(String text) {
        try {
            return IpPrefix.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new MirrorException("not an IP address or prefix");
        }
    }

    private static List<MirrorEndpoint> endpoints(String list) {
        return Arrays.stream(list.split(",")).map(MirrorEndpoint::parse).collect(Collectors.toList());
    }
}
