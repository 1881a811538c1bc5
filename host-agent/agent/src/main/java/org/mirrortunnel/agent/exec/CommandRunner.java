package org.mirrortunnel.agent.exec;

import java.nio.file.Path;
import java.util.List;

/**
 * The single place where the agent runs external programs. Programs get argument arrays, never a shell
 * line. Tests substitute a recording implementation.
 */
public interface CommandRunner {

    /** Runs argv to its end (or its time-out, which throws) and returns what it printed. */
    CommandResult run(List<String> argv);

    /** Starts a long-running program (a watcher); its stdout is for the caller to read. */
    Process start(List<String> argv);

    /** Runs argv and returns its stdout; a non-zero exit throws with the program's stderr. */
    default String check(List<String> argv) {
        CommandResult r = run(argv);
        if (r.exitCode() != 0) {
            String err = r.stderr().strip();
            throw new ExecException(Path.of(argv.get(0)).getFileName() + " exited with " + r.exitCode()
                    + (err.isEmpty() ? "" : ": " + err));
        }
        return r.stdout();
    }
}
