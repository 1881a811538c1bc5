package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.List;
import java.util.stream.Collectors;

import static org.onosproject.cli.AbstractShellCommand.get;

/**
 * Completes session names.
 */
@Service
public class SessionNameCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        return names(get(MirrorService.class));
    }

    static List<String> names(MirrorService service) {
        return service.getSessions().stream().map(MirrorSession::name).sorted()
                .collect(Collectors.toList());
    }
}
