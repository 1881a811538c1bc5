package org.mirrortunnel.agent.core;

import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.exec.TapRefusedException;
import org.mirrortunnel.agent.nic.VfId;

/**
 * One change on the host and the action that takes it back. A VLAN mirror change also says what it does
 * ({@code vlans}), so that a batch can write the changes of many bindings to one VF at once.
 */
public record Step(String name, Runnable action, Runnable undo, VlanChange vlans) {

    /** "add" (or "rem") these VLANs to (from) the VF's mirror set. */
    public record VlanChange(VfId vf, boolean add, Set<Integer> vlans) {
    }

    public Step(String name, Runnable action, Runnable undo) {
        this(name, action, undo, null);
    }

    /**
     * Runs the steps in order, skipping those in {@code done} (a batch already ran them). When one fails,
     * undoes the ones before it (newest first), then those of {@code done} it had not reached, and throws
     * ABORTED (INVALID_ARGUMENT when a TAP refused the request) naming the failed step and its reason, plus any
     * undo that failed too.
     */
    public static void runAll(List<Step> steps, Set<Step> done) {
        Deque<Step> ran = new ArrayDeque<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            try {
                if (!done.contains(step)) {
                    step.action().run();
                }
                ran.push(step);
            } catch (ExecException | java.io.UncheckedIOException e) {
                StringBuilder msg = new StringBuilder("step " + step.name() + " failed: " + e.getMessage());
                List<Step> undo = new ArrayList<>(ran);
                steps.subList(i + 1, steps.size()).stream().filter(done::contains).forEach(undo::add);
                for (Step d : undo) {
                    try {
                        d.undo().run();
                    } catch (RuntimeException u) {
                        msg.append("; undo of ").append(d.name()).append(" failed: ").append(u.getMessage());
                    }
                }
                // A TAP that refused the request as invalid said why: the binding is at fault, not the host.
                Status status = e instanceof TapRefusedException ? Status.INVALID_ARGUMENT : Status.ABORTED;
                throw status.withDescription(msg.toString()).asRuntimeException();
            }
        }
    }
}
