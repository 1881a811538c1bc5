package org.mirrortunnel.app.api;

import java.util.Objects;

/**
 * A virtual function of a physical function on one host: PF interface name and VF index.
 */
public final class VfId {
    private final String pf;
    private final int index;

    /**
     * Creates a VF reference.
     *
     * @param pf    the PF's interface name
     * @param index the VF's index on that PF
     */
    public VfId(String pf, int index) {
        this.pf = Objects.requireNonNull(pf, "pf");
        this.index = index;
    }

    /**
     * Returns the PF's interface name.
     *
     * @return PF name
     */
    public String pf() {
        return pf;
    }

    /**
     * Returns the VF index.
     *
     * @return VF index
     */
    public int index() {
        return index;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VfId && ((VfId) o).pf.equals(pf) && ((VfId) o).index == index;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pf, index);
    }

    @Override
    public String toString() {
        return pf + "/" + index;
    }
}
