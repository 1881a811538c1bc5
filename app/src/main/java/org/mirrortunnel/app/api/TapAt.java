package org.mirrortunnel.app.api;

import java.util.Locale;

/**
 * Which side of a source port the TAP watches (the paper's TAP points).
 */
public enum TapAt {
    /** The network function's own interface, in its namespace. */
    FRONT_END,
    /**
     * The host side of the network function's veth pair, where a vSwitch attaches; direction still as the network
     * function sees it. The source's tunnel VF must then be in the namespace of that peer.
     */
    BACK_END;

    /**
     * Returns the TAP point as the CLI writes it.
     *
     * @return front-end or back-end
     */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a TAP point, case-insensitively, with '-' or '_' between the words.
     *
     * @param text front-end or back-end
     * @return TAP point
     * @throws MirrorException for anything else
     */
    public static TapAt parse(String text) {
        try {
            return valueOf(text.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MirrorException("TAP point must be front-end or back-end, not '" + text + "'");
        }
    }
}
