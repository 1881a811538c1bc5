package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * TAP counters of a session on one host, summed over its source ports.
 */
public final class MirrorCounters {
    /** No packet seen yet. */
    public static final MirrorCounters ZERO = new MirrorCounters(0, 0, 0, 0, 0);

    private final long seen;
    private final long mirrored;
    private final long filtered;
    private final long sampled;
    private final long errors;

    /**
     * Creates counters.
     *
     * @param seen     packets the TAP looked at
     * @param mirrored packets copied to the tunnel
     * @param filtered packets the filter left out
     * @param sampled  packets sampling left out
     * @param errors   copies that failed
     */
    public MirrorCounters(long seen, long mirrored, long filtered, long sampled, long errors) {
        this.seen = seen;
        this.mirrored = mirrored;
        this.filtered = filtered;
        this.sampled = sampled;
        this.errors = errors;
    }

    /**
     * Returns the packets seen.
     *
     * @return count
     */
    public long seen() {
        return seen;
    }

    /**
     * Returns the packets mirrored.
     *
     * @return count
     */
    public long mirrored() {
        return mirrored;
    }

    /**
     * Returns the packets left out by the filter.
     *
     * @return count
     */
    public long filtered() {
        return filtered;
    }

    /**
     * Returns the packets left out by sampling.
     *
     * @return count
     */
    public long sampled() {
        return sampled;
    }

    /**
     * Returns the failed copies.
     *
     * @return count
     */
    public long errors() {
        return errors;
    }

    /**
     * Adds two sets of counters.
     *
     * @param o other counters
     * @return the sums
     */
    public MirrorCounters plus(MirrorCounters o) {
        return new MirrorCounters(seen + o.seen, mirrored + o.mirrored, filtered + o.filtered,
                sampled + o.sampled, errors + o.errors);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MirrorCounters)) {
            return false;
        }
        MirrorCounters c = (MirrorCounters) o;
        return seen == c.seen && mirrored == c.mirrored && filtered == c.filtered && sampled == c.sampled
                && errors == c.errors;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seen, mirrored, filtered, sampled, errors);
    }

    @Override
    public String toString() {
        return "seen=" + seen + " mirrored=" + mirrored + " filtered=" + filtered + " sampled=" + sampled
                + " errors=" + errors;
    }
}
