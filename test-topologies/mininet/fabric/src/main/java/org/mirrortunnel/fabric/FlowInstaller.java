package org.mirrortunnel.fabric;

import java.util.List;

/** Puts flows on the fabric's switches and takes them off. */
public interface FlowInstaller {
    /**
     * Adds (or replaces, same table, priority and match) flows, then removes others.
     *
     * @param add    flows to add
     * @param remove flows to remove, by table, priority and match
     * @throws IllegalStateException when a switch refuses
     */
    void apply(List<OfFlow> add, List<OfFlow> remove);
}
