package org.mirrortunnel.app.gui;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Mirrored packets per second, from a counter read now and the same counter read last time.
 */
final class MirrorRates {
    private static final long MILLIS = 1000;

    private final LongSupplier clock;
    private final Map<String, long[]> last = new HashMap<>();

    /**
     * Creates a rate keeper.
     *
     * @param clock milliseconds
     */
    MirrorRates(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Returns the rate of a counter since it was last read, 0 the first time and after a reset.
     *
     * @param key   the counter's name
     * @param count its value now
     * @return per second
     */
    long rate(String key, long count) {
        long now = clock.getAsLong();
        long[] before = last.put(key, new long[]{now, count});
        if (before == null || now <= before[0] || count < before[1]) {
            return 0;
        }
        return (count - before[1]) * MILLIS / (now - before[0]);
    }
}
