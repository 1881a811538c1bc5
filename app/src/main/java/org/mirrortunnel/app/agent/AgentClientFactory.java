package org.mirrortunnel.app.agent;

/**
 * Opens clients to host agents.
 */
public interface AgentClientFactory {

    /**
     * Opens a client to an agent; the connection itself is made on the first call.
     *
     * @param endpoint where the agent is and how to authenticate
     * @return client
     * @throws AgentException when the TLS material cannot be loaded
     */
    AgentClient open(AgentEndpoint endpoint);
}
