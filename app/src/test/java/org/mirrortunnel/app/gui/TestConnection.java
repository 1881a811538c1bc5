package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onosproject.ui.JsonUtils;
import org.onosproject.ui.UiConnection;
import org.onosproject.ui.model.topo.UiTopoLayout;

/**
 * A GUI connection of one test user on no topology layout; subclasses say where messages go.
 */
abstract class TestConnection implements UiConnection {

    @Override
    public String userName() {
        return "test";
    }

    @Override
    public UiTopoLayout currentLayout() {
        return null;
    }

    @Override
    public void setCurrentLayout(UiTopoLayout topoLayout) {
    }

    @Override
    public String currentView() {
        return null;
    }

    @Override
    public void setCurrentView(String viewId) {
    }

    @Override
    public void sendMessage(String type, ObjectNode payload) {
        sendMessage(JsonUtils.envelope(type, payload));
    }
}
