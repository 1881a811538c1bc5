package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.cli.AbstractShellCommand;

/**
 * A command acting on one session named by its name or id; a refusal prints one line.
 */
public abstract class SessionCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "session", description = "Session name or id", required = true)
    @Completion(SessionNameCompleter.class)
    String session;

    @Override
    protected void doExecute() {
        run(get(MirrorAdminService.class));
    }

    void run(MirrorAdminService admin) {
        try {
            MirrorSession s = SessionRef.find(admin, session);
            print("%s", act(admin, s));
        } catch (MirrorException e) {
            error("%s", e.getMessage());
        }
    }

    /**
     * Acts on the session.
     *
     * @param admin   the admin service
     * @param target  the session
     * @return the line to print
     */
    protected abstract String act(MirrorAdminService admin, MirrorSession target);
}
