package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Collection;
import java.util.List;

/**
 * Shows the counters of sessions (the TAP's, and the packets their monitor VFs received), per host, as the agents
 * last reported them.
 */
@Service
@Command(scope = "onos", name = "mirror-stats", description = "Shows the counters of mirror sessions")
public class MirrorStatsCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "session", description = "Session name or id (all when absent)")
    @Completion(SessionNameCompleter.class)
    String session;

    @Override
    protected void doExecute() {
        run(get(MirrorService.class));
    }

    void run(MirrorService service) {
        try {
            Collection<MirrorSession> sessions = session == null ? service.getSessions()
                    : List.of(SessionRef.find(service, session));
            for (MirrorSession s : sessions) {
                print("%s %s total: %s", s.name(), s.operState(), s.counters());
                s.hostStates().forEach((agent, h) -> print("  %s %s: %s", agent, h, h.counters()));
            }
        } catch (MirrorException e) {
            error("%s", e.getMessage());
        }
    }
}
