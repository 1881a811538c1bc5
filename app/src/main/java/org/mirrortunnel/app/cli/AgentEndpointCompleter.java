package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.MirrorService;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.List;
import java.util.stream.Collectors;

import static org.onosproject.cli.AbstractShellCommand.get;

/**
 * Completes endpoints from the agents' inventories: each monitor VF as agent:ifname, and each namespace with
 * a tunnel VF as the agent:netns/ prefix of its sources (the tunnel VFs themselves are no endpoints).
 */
@Service
public class AgentEndpointCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        return endpoints(get(MirrorService.class));
    }

    static List<String> endpoints(MirrorService service) {
        return service.getAgents().stream()
                .flatMap(a -> a.vfs().stream().map(vf -> a.agentId() + ":" + (vf.role() == AgentVf.Role.TUNNEL
                        ? (vf.netns().isEmpty() ? "" : vf.netns() + "/") : vf.ifname())))
                .distinct().sorted().collect(Collectors.toList());
    }
}
