package org.mirrortunnel.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Lists mirror sessions as a table, or as JSON with -j.
 */
@Service
@Command(scope = "onos", name = "mirrors", description = "Lists mirror sessions")
public class MirrorListCommand extends AbstractShellCommand {
    private static final String ROW = "%-16s %-18s %-5s %-9s %-9s %-10s %s -> %s";

    @Override
    protected void doExecute() {
        List<MirrorSession> sessions = get(MirrorService.class).getSessions().stream()
                .sorted(Comparator.comparing(MirrorSession::name)).collect(Collectors.toList());
        if (outputJson()) {
            ArrayNode all = mapper().createArrayNode();
            sessions.forEach(s -> all.add(json(s)));
            print("%s", all);
            return;
        }
        print(ROW, "NAME", "ID", "DIR", "VLANS", "ADMIN", "STATE", "SOURCES", "MONITORS");
        for (MirrorSession s : sessions) {
            print(ROW, s.name(), s.id(), s.direction(), s.vlans(), s.adminState(), s.operState(), s.sources(),
                    s.monitors());
        }
    }

    private ObjectNode json(MirrorSession s) {
        ObjectNode n = mapper().createObjectNode()
                .put("id", s.id().id()).put("name", s.name()).put("direction", s.direction().name())
                .put("sampleEvery", s.sampleEvery()).put("snaplen", s.snaplen())
                .put("adminState", s.adminState().name()).put("state", s.operState().name())
                .put("filter", s.filter().toString());
        s.sources().forEach(e -> n.withArray("sources").add(e.toString()));
        s.monitors().forEach(e -> n.withArray("monitors").add(e.toString()));
        s.vlans().forEach(v -> n.withArray("vlans").add(v));
        ObjectNode hosts = n.putObject("hosts");
        s.hostStates().forEach((agent, h) -> hosts.putObject(agent).put("state", h.state().name())
                .put("message", h.message()));
        return n;
    }
}
