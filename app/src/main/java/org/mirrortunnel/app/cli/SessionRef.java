package org.mirrortunnel.app.cli;

import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;

/**
 * Finds a session by name or id, as the commands accept either.
 */
final class SessionRef {
    private SessionRef() {
    }

    static MirrorSession find(MirrorService service, String nameOrId) {
        return service.getSessionByName(nameOrId)
                .or(() -> service.getSessions().stream().filter(s -> s.id().id().equals(nameOrId)).findFirst())
                .orElseThrow(() -> new MirrorException("no session named or numbered '" + nameOrId + "'"));
    }
}
