package org.mirrortunnel.agent.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records each argv and answers with a scripted result (exit 0, no output unless the script says). */
public final class RecordingRunner implements CommandRunner {
    public final List<List<String>> calls = new ArrayList<>();
    private final Function<List<String>, CommandResult> script;

    public RecordingRunner(Function<List<String>, CommandResult> script) {
        this.script = script;
    }

    public RecordingRunner() {
        this(argv -> new CommandResult(0, "", ""));
    }

    @Override
    public CommandResult run(List<String> argv) {
        calls.add(List.copyOf(argv));
        return script.apply(argv);
    }

    @Override
    public Process start(List<String> argv) {
        throw new UnsupportedOperationException("no long-running programs in this test");
    }
}
