package org.mirrortunnel.app.agent;

import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;

import java.util.List;
import java.util.function.Consumer;

/**
 * The calls the controller makes on one host agent. Blocking calls throw {@link AgentException}.
 */
public interface AgentClient extends AutoCloseable {

    /**
     * Asks who the agent is and what it has.
     *
     * @return agent info
     */
    AgentInfo getInfo();

    /**
     * Sends the whole desired set of bindings; the agent removes the others.
     *
     * @param bindings desired bindings
     * @return what was applied and removed
     */
    SyncBindingsResponse sync(List<Binding> bindings);

    /**
     * Creates or replaces one binding.
     *
     * @param binding binding
     * @return its state
     */
    BindingStatus apply(Binding binding);

    /**
     * Removes one binding; one the agent does not hold counts as removed.
     *
     * @param id binding id
     */
    void remove(String id);

    /**
     * Switches a binding on or off through link state.
     *
     * @param id      binding id
     * @param enabled on or off
     * @return its state
     */
    BindingStatus setEnabled(String id, boolean enabled);

    /**
     * Reads the counters of all bindings.
     *
     * @return stats
     */
    GetStatsResponse stats();

    /**
     * Follows the agent's events until the stream ends.
     *
     * @param onEvent each event
     * @param onEnd   called once when the stream ends, with the reason
     */
    void watch(Consumer<AgentEvent> onEvent, Consumer<Throwable> onEnd);

    @Override
    void close();
}
