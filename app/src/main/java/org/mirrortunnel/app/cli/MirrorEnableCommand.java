package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorSession;

/**
 * Switches a mirror session on.
 */
@Service
@Command(scope = "onos", name = "mirror-enable", description = "Switches a mirror session on")
public class MirrorEnableCommand extends SessionCommand {
    @Override
    protected String act(MirrorAdminService admin, MirrorSession target) {
        admin.enableSession(target.id());
        return "Enabled " + target.name();
    }
}
