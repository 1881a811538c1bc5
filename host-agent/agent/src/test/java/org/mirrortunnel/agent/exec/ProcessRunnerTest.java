package org.mirrortunnel.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {
    private final ProcessRunner runner = new ProcessRunner(Duration.ofMillis(500));

    @Test
    void argumentsReachTheProgramVerbatimWithoutAShell() {
        assertEquals("a b;$(echo x)\n", runner.check(List.of("printf", "%s\\n", "a b;$(echo x)")));
    }

    @Test
    void aFailureCarriesTheProgramsStderr() {
        ExecException e = assertThrows(ExecException.class,
                () -> runner.check(List.of("sh", "-c", "echo 'no such device' >&2; exit 3")));
        assertEquals("sh exited with 3: no such device", e.getMessage());
    }

    @Test
    void aHangingProgramTimesOut() {
        long t0 = System.nanoTime();
        ExecException e = assertThrows(ExecException.class, () -> runner.run(List.of("sleep", "10")));
        assertTrue(e.getMessage().contains("timed out after 500 ms"));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }
}
