package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.cli.AbstractShellCommand;
import org.onosproject.codec.CodecContext;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Lists mirror sessions as a table, or with -j as a JSON array of sessions as the REST API gives them.
 */
@Service
@Command(scope = "onos", name = "mirrors", description = "Lists mirror sessions")
public class MirrorListCommand extends AbstractShellCommand {
    private static final String ROW = "%-16s %-18s %-5s %-9s %-9s %-10s %-9s %s -> %s  %s";

    @Override
    protected void doExecute() {
        run(get(MirrorService.class), this);
    }

    void run(MirrorService service, CodecContext context) {
        List<MirrorSession> sessions = service.getSessions().stream()
                .sorted(Comparator.comparing(MirrorSession::name)).collect(Collectors.toList());
        if (outputJson()) {
            print("%s", context.codec(MirrorSession.class).encode(sessions, context));
            return;
        }
        print(ROW, "NAME", "ID", "DIR", "VLANS", "ADMIN", "STATE", "TAP-AT", "SOURCES", "MONITORS", "FILTER");
        for (MirrorSession s : sessions) {
            print(ROW, s.name(), s.id(), s.direction(), s.vlans(), s.adminState(), s.operState(),
                    s.tapAt().text(), s.sources(), s.monitors(), s.filter());
        }
    }
}
