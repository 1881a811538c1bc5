package org.mirrortunnel.app.api;

/**
 * An inclusive range of VLAN ids, written "3000-3999".
 */
public final class VlanRange {
    private final int first;
    private final int last;

    private VlanRange(int first, int last) {
        this.first = first;
        this.last = last;
    }

    /**
     * Parses "first-last" (or a single id).
     *
     * @param text range text
     * @return range
     * @throws MirrorException unless 1 &lt;= first &lt;= last &lt;= 4094
     */
    public static VlanRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("-", -1);
        try {
            int first = Integer.parseInt(parts[0].trim());
            int last = parts.length == 1 ? first : Integer.parseInt(parts[1].trim());
            if (parts.length <= 2 && first >= 1 && first <= last && last <= 4094) {
                return new VlanRange(first, last);
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // reported below with the text as given
        }
        throw new MirrorException("VLAN range must be first-last within 1..4094, not '" + text + "'");
    }

    /**
     * Returns the first id.
     *
     * @return first VLAN id
     */
    public int first() {
        return first;
    }

    /**
     * Returns the last id.
     *
     * @return last VLAN id
     */
    public int last() {
        return last;
    }

    /**
     * Returns the number of ids in the range.
     *
     * @return size
     */
    public int size() {
        return last - first + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VlanRange && ((VlanRange) o).first == first && ((VlanRange) o).last == last;
    }

    @Override
    public int hashCode() {
        return first * 4096 + last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
