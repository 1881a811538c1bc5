package org.mirrortunnel.app.api;

/**
 * What the operator asked for: mirroring switched on or off (the tunnel VF's link state).
 */
public enum AdminState {
    /** Mirroring on. */
    ENABLED,
    /** Mirroring off; the bindings stay in place. */
    DISABLED
}
