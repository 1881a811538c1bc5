package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * Counters of a session on one host: its TAP's, summed over its source ports, and the copies its monitor VFs
 * there received. A monitor VF counts every packet it receives: one that several sessions share counts the copies
 * of all of them in each.
 */
public final class MirrorCounters {
    /** No packet seen yet. */
    public static final MirrorCounters ZERO = new MirrorCounters(0, 0, 0, 0, 0, 0);

    private final long seen;
    private final long mirrored;
    private final long filtered;
    private final long sampled;
    private final long errors;
    private final long delivered;

    /**
     * Creates counters.
     *
     * @param seen      packets the TAP looked at
     * @param mirrored  packets copied to the tunnel
     * @param filtered  packets the filter left out
     * @param sampled   packets sampling left out
     * @param errors    copies that failed
     * @param delivered packets the monitor VFs received
     */
    public MirrorCounters(long seen, long mirrored, long filtered, long sampled, long errors, long delivered) {
        this.seen = seen;
        this.mirrored = mirrored;
        this.filtered = filtered;
        this.sampled = sampled;
        this.errors = errors;
        this.delivered = delivered;
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
     * Returns the packets the monitor VFs received: the copies delivered, when no other session shares them.
     *
     * @return count
     */
    public long delivered() {
        return delivered;
    }

    /**
     * Adds two sets of counters.
     *
     * @param o other counters
     * @return the sums
     */
    public MirrorCounters plus(MirrorCounters o) {
        return new MirrorCounters(seen + o.seen, mirrored + o.mirrored, filtered + o.filtered,
                sampled + o.sampled, errors + o.errors, delivered + o.delivered);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MirrorCounters)) {
            return false;
        }
        MirrorCounters c = (MirrorCounters) o;
        return seen == c.seen && mirrored == c.mirrored && filtered == c.filtered && sampled == c.sampled
                && errors == c.errors && delivered == c.delivered;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seen, mirrored, filtered, sampled, errors, delivered);
    }

    @Override
    public String toString() {
        return "seen=" + seen + " mirrored=" + mirrored + " filtered=" + filtered + " sampled=" + sampled
                + " errors=" + errors + " delivered=" + delivered;
    }
}
