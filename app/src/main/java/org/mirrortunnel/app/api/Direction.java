package org.mirrortunnel.app.api;

import java.util.Locale;

/**
 * Which packets of a source port are mirrored.
 */
public enum Direction {
    /** Packets the network function receives. */
    RX,
    /** Packets the network function sends. */
    TX,
    /** Both. */
    BOTH;

    /**
     * Parses a direction, case-insensitively.
     *
     * @param text rx, tx or both
     * @return direction
     * @throws MirrorException for anything else
     */
    public static Direction parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MirrorException("direction must be rx, tx or both, not '" + text + "'");
        }
    }
}
