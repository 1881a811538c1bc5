package org.mirrortunnel.agent.nic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** How the i40e backend reads and writes its sysfs attribute files. */
interface SysfsFiles {
    String read(Path file) throws IOException;

    void write(Path file, String value) throws IOException;

    /** The files themselves; a value is written with one write(2), as sysfs wants it. */
    SysfsFiles REAL = new SysfsFiles() {
        @Override
        public String read(Path file) throws IOException {
            return Files.readString(file);
        }

        @Override
        public void write(Path file, String value) throws IOException {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }
    };
}
