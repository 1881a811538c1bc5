package org.mirrortunnel.agent.nic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SortedSet;

/**
 * A sysfs-shaped directory that answers writes as the out-of-tree i40e driver does (its README, "SR-IOV
 * Hypervisor Management Interface"): {@code vlan_mirror} takes "add LIST" / "rem LIST" and reads back the
 * resulting VLAN list, refusing (EINVAL, nothing changed) more than 192 VLANs or VLANs outside 1..4094 for
 * add (0..4095 for rem); {@code loopback} takes on/off in any case; {@code link_state} enable/disable/auto.
 */
final class I40eDriverFiles implements SysfsFiles {
    @Override
    public String read(Path file) throws IOException {
        return Files.readString(file);
    }

    @Override
    public void write(Path file, String value) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        String stored = switch (file.getFileName().toString()) {
            case "vlan_mirror" -> vlanMirror(file, value);
            case "loopback" -> word(value.toLowerCase(), Set.of("on", "off"));
            case "link_state" -> word(value, Set.of("enable", "disable", "auto"));
            default -> value;
        };
        Files.writeString(file, stored + "\n");
    }

    private static String vlanMirror(Path file, String command) throws IOException {
        String[] parts = command.strip().split(" ", 2);
        if (parts.length != 2) {
            throw invalid();
        }
        SortedSet<Integer> list;
        try {
            list = VlanList.parse(parts[1]);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        SortedSet<Integer> now = VlanList.parse(Files.readString(file));
        switch (parts[0]) {
            case "add" -> {
                if (list.isEmpty() || list.first() < 1 || list.last() > 4094) {
                    throw invalid();
                }
                now.addAll(list);
                if (now.size() > NicDriver.MAX_VLAN_MIRROR) {
                    throw invalid();
                }
            }
            case "rem" -> {
                if (list.isEmpty() || list.first() < 0 || list.last() > 4095) {
                    throw invalid();
                }
                now.removeAll(list);
            }
            default -> throw invalid();
        }
        return VlanList.format(now);
    }

    private static String word(String value, Set<String> allowed) throws IOException {
        if (!allowed.contains(value.strip())) {
            throw invalid();
        }
        return value.strip();
    }

    private static IOException invalid() {
        return new IOException("Invalid argument");
    }
}
