package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorService;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.List;
import java.util.stream.Collectors;

import static org.onosproject.cli.AbstractShellCommand.get;

/**
 * Completes agent:ifname endpoints from the agents' inventories (monitor VFs and tunnel namespaces).
 */
@Service
public class AgentEndpointCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        return get(MirrorService.class).getAgents().stream()
                .flatMap(a -> a.vfs().stream().map(vf -> a.agentId() + ":"
                        + (vf.netns().isEmpty() ? "" : vf.netns() + "/") + vf.ifname()))
                .sorted().collect(Collectors.toList());
    }
}
