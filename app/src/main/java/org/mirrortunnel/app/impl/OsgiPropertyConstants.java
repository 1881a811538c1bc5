package org.mirrortunnel.app.impl;

/**
 * Names and defaults of the app's component config.
 */
public final class OsgiPropertyConstants {
    private OsgiPropertyConstants() {
    }

    public static final String VLAN_POOL = "vlanPool";
    public static final String VLAN_POOL_DEFAULT = "3000-3999";

    public static final String RECONNECT_SECONDS = "reconnectSeconds";
    public static final int RECONNECT_SECONDS_DEFAULT = 5;

    public static final String STATS_SECONDS = "statsSeconds";
    public static final int STATS_SECONDS_DEFAULT = 10;

    public static final String CALL_TIMEOUT_MILLIS = "callTimeoutMillis";
    public static final int CALL_TIMEOUT_MILLIS_DEFAULT = 10000;
}
