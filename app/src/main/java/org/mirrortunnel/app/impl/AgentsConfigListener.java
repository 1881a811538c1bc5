package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.onosproject.net.config.NetworkConfigEvent;
import org.onosproject.net.config.NetworkConfigListener;

/**
 * Runs an action on every change of the app's agents config.
 */
final class AgentsConfigListener implements NetworkConfigListener {
    private final Runnable onChange;

    AgentsConfigListener(Runnable onChange) {
        this.onChange = onChange;
    }

    @Override
    public boolean isRelevant(NetworkConfigEvent event) {
        return event.configClass() == MirrorAgentsConfig.class;
    }

    @Override
    public void event(NetworkConfigEvent event) {
        onChange.run();
    }
}
