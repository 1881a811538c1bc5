package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.After;
import org.junit.Before;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.ui.JsonUtils;
import org.onosproject.ui.UiMessageHandler;

import java.io.IOException;

/**
 * A handler on the fixture's network with its two sample sessions, and a connection that keeps its answers.
 */
abstract class HandlerTestBase {
    static final ObjectMapper MAPPER = new ObjectMapper();

    GuiFixture fx;
    final RecordingConnection conn = new RecordingConnection();

    /** Returns the handler under test. */
    abstract UiMessageHandler handler();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        fx = new GuiFixture();
        fx.addSampleSessions();
        handler().init(conn, fx.directory);
    }

    @After
    public void tearDown() {
        fx.stop();
        MockIdGenerator.unbind();
    }

    /** Sends the handler one message, after forgetting its earlier answers. */
    void send(String event, ObjectNode payload) {
        conn.clear();
        handler().process(JsonUtils.envelope(event, payload));
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
