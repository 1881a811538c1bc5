package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.MirrorService;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Comparator;

/**
 * Lists the host agents: address, owning node, reachability and inventory.
 */
@Service
@Command(scope = "onos", name = "mirror-agents", description = "Lists the mirror host agents")
public class MirrorAgentsCommand extends AbstractShellCommand {
    @Override
    protected void doExecute() {
        get(MirrorService.class).getAgents().stream().sorted(Comparator.comparing(AgentStatus::agentId))
                .forEach(a -> {
                    print("%-16s %-22s owner=%-10s %s nic=%s version=%s %s", a.agentId(), a.address(), a.owner(),
                            a.connected() ? "connected" : "DISCONNECTED", a.nicDriver(), a.version(), a.message());
                    a.vfs().forEach(vf -> print("    %s", vf));
                });
    }
}
