package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorSession;

/**
 * Switches a mirror session off.
 */
@Service
@Command(scope = "onos", name = "mirror-disable", description = "Switches a mirror session off")
public class MirrorDisableCommand extends SessionCommand {
    @Override
    protected String act(MirrorAdminService admin, MirrorSession target) {
        admin.disableSession(target.id());
        return "Disabled " + target.name();
    }
}
