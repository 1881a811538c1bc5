package org.mirrortunnel.agent.nic;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/** VLAN lists in the i40e sysfs syntax: "2,4,18-22". */
public final class VlanList {
    private VlanList() {
    }

    /** Parses a list; blank (or the driver's "none"/"off") is empty. */
    public static SortedSet<Integer> parse(String text) {
        SortedSet<Integer> set = new TreeSet<>();
        String s = text.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("none") || s.equalsIgnoreCase("off")) {
            return set;
        }
        for (String part : s.split(",")) {
            String[] range = part.strip().split("-", 2);
            try {
                int first = Integer.parseInt(range[0].strip());
                int last = range.length == 2 ? Integer.parseInt(range[1].strip()) : first;
                for (int v = first; v <= last; v++) {
                    set.add(v);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a VLAN list: '" + text + "'");
            }
        }
        return set;
    }

    /** Formats VLANs with ascending ranges: {2,4,18,19,20} -> "2,4,18-20". */
    public static String format(Collection<Integer> vlans) {
        StringBuilder b = new StringBuilder();
        Integer first = null;
        Integer prev = null;
        for (int v : new TreeSet<>(vlans)) {
            if (prev != null && v == prev + 1) {
                prev = v;
                continue;
            }
            append(b, first, prev);
            first = v;
            prev = v;
        }
        append(b, first, prev);
        return b.toString();
    }

    private static void append(StringBuilder b, Integer first, Integer last) {
        if (first == null) {
            return;
        }
        if (b.length() > 0) {
            b.append(',');
        }
        b.append(first);
        if (!first.equals(last)) {
            b.append('-').append(last);
        }
    }
}
