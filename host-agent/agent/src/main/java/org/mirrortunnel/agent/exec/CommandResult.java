package org.mirrortunnel.agent.exec;

/** Exit code and captured output of one finished program. */
public record CommandResult(int exitCode, String stdout, String stderr) {
}
