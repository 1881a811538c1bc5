package org.mirrortunnel.agent.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs programs with ProcessBuilder, a time-out, stdin from /dev/null and both outputs captured. */
public final class ProcessRunner implements CommandRunner {
    private final Duration timeout;
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "process-output");
        t.setDaemon(true);
        return t;
    });

    public ProcessRunner(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public CommandResult run(List<String> argv) {
        Process p = start(argv, ProcessBuilder.Redirect.PIPE);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), readers);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), readers);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ExecException(argv.get(0) + " timed out after " + timeout.toMillis() + " ms");
            }
            return new CommandResult(p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ExecException(argv.get(0) + " interrupted", e);
        } catch (ExecutionException e) {
            throw new ExecException(argv.get(0) + ": cannot read its output", e.getCause());
        }
    }

    @Override
    public Process start(List<String> argv) {
        return start(argv, ProcessBuilder.Redirect.INHERIT);
    }

    private static Process start(List<String> argv, ProcessBuilder.Redirect stderr) {
        try {
            return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(stderr).start();
        } catch (IOException e) {
            throw new ExecException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
