package org.mirrortunnel.agent.core;

import org.mirrortunnel.agent.api.v1.Binding;

/**
 * The agent's record of one binding id: the desired binding (null while it is being removed), what the
 * agent owns for it, whether it is applied now, and the last failure. Immutable.
 */
public record Entry(String id, Binding binding, Owned owned, boolean applied, String failure) {
}
