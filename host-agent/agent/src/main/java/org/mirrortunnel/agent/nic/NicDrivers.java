package org.mirrortunnel.agent.nic;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mirrortunnel.agent.config.AgentConfig;
import org.mirrortunnel.agent.exec.CommandRunner;

/** Picks the NIC backend from the configuration, or detects it from the first PF's sysfs directory. */
public final class NicDrivers {
    private NicDrivers() {
    }

    public static NicDriver create(AgentConfig config, CommandRunner runner) {
        Path root = Path.of(config.nic.sysfsRoot);
        String driver = config.nic.driver;
        if (driver.equals("auto")) {
            String pf = config.inventory.get(0).pf;
            driver = Files.isDirectory(I40eSysfsNic.sriovDir(root, pf)) ? "i40e" : "emulated";
        }
        return driver.equals("i40e") ? new I40eSysfsNic(root, runner, config.nic.ip)
                : new EmulatedNic(runner, config.nic.nicemu);
    }
}
