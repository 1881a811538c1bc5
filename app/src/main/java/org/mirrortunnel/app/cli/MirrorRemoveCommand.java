package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorSession;

/**
 * Removes a mirror session.
 */
@Service
@Command(scope = "onos", name = "mirror-remove", description = "Removes a mirror session")
public class MirrorRemoveCommand extends SessionCommand {
    @Override
    protected String act(MirrorAdminService admin, MirrorSession target) {
        admin.removeSession(target.id());
        return "Removed " + target.name();
    }
}
