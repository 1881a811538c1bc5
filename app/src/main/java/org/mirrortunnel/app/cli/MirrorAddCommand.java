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
import org.onlab.packet.IpPrefix;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Arrays;
import java.util.List;
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

    @Option(name = "--src", description = "Source prefix filter")
    String srcPrefix;

    @Option(name = "--dst", description = "Destination prefix filter")
    String dstPrefix;

    @Option(name = "--proto", description = "IP protocol number filter")
    int protocol;

    @Option(name = "--sport", description = "L4 source port filter")
    int srcPort;

    @Option(name = "--dport", description = "L4 destination port filter")
    int dstPort;

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
            MirrorFilter filter = MirrorFilter.builder()
                    .srcPrefix(srcPrefix == null ? null : IpPrefix.valueOf(srcPrefix))
                    .dstPrefix(dstPrefix == null ? null : IpPrefix.valueOf(dstPrefix))
                    .ipProtocol(protocol).srcPort(srcPort).dstPort(dstPort).build();
            MirrorSession created = admin.createSession(MirrorSession.builder()
                    .name(name).sources(endpoints(sources)).monitors(endpoints(monitors))
                    .direction(Direction.parse(direction)).filter(filter).sampleEvery(sampleEvery)
                    .snaplen(snaplen).vlans(vlan == null ? List.of() : List.of(vlan)).build());
            print("Created %s (%s) on VLAN %s", created.name(), created.id(), created.vlans());
        } catch (MirrorException | IllegalArgumentException e) {
            error("mirror-add: %s", e.getMessage());
        }
    }

    private static List<MirrorEndpoint> endpoints(String list) {
        return Arrays.stream(list.split(",")).map(MirrorEndpoint::parse).collect(Collectors.toList());
    }
}
