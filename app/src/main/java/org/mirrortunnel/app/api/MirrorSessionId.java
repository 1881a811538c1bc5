package org.mirrortunnel.app.api;

import org.onlab.util.Identifier;

/**
 * Identity of a mirror session; also the binding id on every agent, so it follows the agent's rule:
 * 1..64 characters of [A-Za-z0-9._:-].
 */
public final class MirrorSessionId extends Identifier<String> {
    private MirrorSessionId(String id) {
        super(id);
    }

    /**
     * Returns the id for the given string.
     *
     * @param id 1..64 characters of [A-Za-z0-9._:-]
     * @return session id
     * @throws MirrorException when the string is not a valid id
     */
    public static MirrorSessionId of(String id) {
        if (!Tokens.valid(id, 64, "._:-")) {
            throw new MirrorException("session id must be 1..64 characters of [A-Za-z0-9._:-], not '" + id + "'");
        }
        return new MirrorSessionId(id);
    }
}
