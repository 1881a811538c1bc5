package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.WebSocketAdapter;
import org.eclipse.jetty.websocket.servlet.WebSocketServlet;
import org.eclipse.jetty.websocket.servlet.WebSocketServletFactory;
import org.mirrortunnel.app.api.OperState;
import org.onlab.junit.TestUtils;
import org.onosproject.ui.JsonUtils;
import org.onosproject.ui.UiExtension;
import org.onosproject.ui.UiExtensionServiceAdapter;
import org.onosproject.ui.UiMessageHandler;
import org.onosproject.ui.UiView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Serves the app's GUI to a browser the way ONOS's classic GUI does, with the app's real extension, message
 * handlers and overlay on the fixture's network: the page with the extension's {@code css.html} and
 * {@code js.html} injected, the view files as {@link UiExtension} finds them on the class path, and a WebSocket
 * per page carrying {"event", "payload"} messages to and from the handlers. Test pages, AngularJS and d3 come
 * from {@code web-gui/}; {@code /test/received} lists what the pages sent and {@code /test/report} plays an
 * agent reporting a session's state and counters.
 */
final class GuiBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GuiBridge.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> TYPES = Map.of("js", "application/javascript", "html", "text/html",
            "css", "text/css", "json", "application/json");

    private final GuiFixture fx;
    private final Path webGui;
    private final UiExtension extension;
    private final Server server;
    private final List<ObjectNode> received = new ArrayList<>();

    /**
     * Starts the bridge on a free loopback port.
     *
     * @param fx     the network and the real manager
     * @param webGui the {@code web-gui/} directory (test pages, node modules)
     * @throws Exception when the server does not start
     */
    GuiBridge(GuiFixture fx, Path webGui) throws Exception {
        this.fx = fx;
        this.webGui = webGui;
        List<UiExtension> registered = new ArrayList<>();
        MirrorGuiComponent component = new MirrorGuiComponent();
        TestUtils.setField(component, "mirrorService", fx.ctx.manager);
        TestUtils.setField(component, "uiExtensionService", new UiExtensionServiceAdapter() {
            @Override
            public void register(UiExtension e) {
                registered.add(e);
            }
        });
        component.activate();
        extension = registered.get(0);

        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServlet(new ServletHolder(new WebSocketServlet() {
            @Override
            public void configure(WebSocketServletFactory factory) {
                factory.setCreator((req, resp) -> new PageSocket());
            }
        }), "/ws");
        context.addServlet(new ServletHolder(new Pages()), "/*");
        server.setHandler(context);
        server.start();
    }

    /**
     * Returns the page's address.
     *
     * @return http://127.0.0.1:port/
     */
    URI uri() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/");
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** The index page with what ONOS injects: the extension's stylesheets, scripts and view ids. */
    private String index() throws IOException {
        String views = extension.views().stream().map(v -> "'" + v.id() + "'").collect(Collectors.joining(", "));
        String nav = extension.views().stream().filter(v -> v.category() != UiView.Category.HIDDEN)
                .map(v -> "'" + v.id() + "'").collect(Collectors.joining(", "));
        return Files.readString(webGui.resolve("test/harness/index.html"))
                .replace("<!-- {INJECTED-STYLESHEETS} -->", text(extension.css()))
                .replace("<!-- {INJECTED-JAVASCRIPT} -->", text(extension.js()))
                .replace("<!-- {INJECTED-VIEWS} -->",
                        "<script>var onosViews = [" + views + "], onosNav = [" + nav + "];</script>");
    }

    private static String text(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The page's files, the recorded messages and the agents' reports. */
    private final class Pages extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
            String[] parts = path.split("/", 5);
            InputStream body = null;
            if (path.equals("/")) {
                reply(resp, "html", index().getBytes(StandardCharsets.UTF_8));
                return;
            } else if (path.equals("/test/received")) {
                ArrayNode all = MAPPER.createArrayNode();
                synchronized (received) {
                    all.addAll(received);
                }
                reply(resp, "json", MAPPER.writeValueAsBytes(all));
                return;
            } else if (parts.length == 5 && parts[1].equals("app") && parts[2].equals("view")) {
                body = extension.resource(parts[3], parts[4]);
            } else if (parts.length >= 3 && (parts[1].equals("harness") || parts[1].equals("vendor"))
                    && !path.contains("..")) {
                Path file = webGui.resolve(parts[1].equals("vendor") ? "node_modules" : "test/harness")
                        .resolve(path.substring(parts[1].length() + 2));
                body = Files.isRegularFile(file) ? Files.newInputStream(file) : null;
            }
            if (body == null) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            try (InputStream in = body) {
                reply(resp, path.substring(path.lastIndexOf('.') + 1), in.readAllBytes());
            }
        }

        /** An agent's report for a session: {"session": name, "agent", "state", "mirrored", "errors", "delivered"}. */
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (!"/test/report".equals(req.getPathInfo())) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            ObjectNode r = (ObjectNode) MAPPER.readTree(req.getInputStream());
            fx.report(fx.session(r.get("session").asText()), r.get("agent").asText(),
                    OperState.valueOf(r.get("state").asText()), "", r.get("mirrored").asLong(),
                    r.get("errors").asLong(), r.path("delivered").asLong());
            resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
        }

        private void reply(HttpServletResponse resp, String type, byte[] body) throws IOException {
            resp.setContentType(TYPES.getOrDefault(type, "application/octet-stream") + ";charset=utf-8");
            resp.getOutputStream().write(body);
        }
    }

    /** One page's connection: the extension's handlers and the topology stand-in, as ONOS gives each page. */
    private final class PageSocket extends WebSocketAdapter {
        private final List<UiMessageHandler> handlers = new ArrayList<>();
        private final TestConnection connection = new TestConnection() {
            @Override
            public void sendMessage(ObjectNode message) {
                send(message);
            }
        };

        @Override
        public void onWebSocketConnect(Session session) {
            super.onWebSocketConnect(session);
            handlers.addAll(extension.messageHandlerFactory().newHandlers());
            handlers.add(new TopoStandIn(extension.topoOverlayFactory().newOverlays().iterator().next()));
            handlers.forEach(h -> h.init(connection, fx.directory));
        }

        @Override
        public void onWebSocketText(String text) {
            try {
                ObjectNode message = (ObjectNode) MAPPER.readTree(text);
                synchronized (received) {
                    received.add(message);
                }
                String event = JsonUtils.eventType(message);
                handlers.stream().filter(h -> h.messageTypes().contains(event)).findFirst()
                        .ifPresentOrElse(h -> h.process(message), () -> LOG.warn("no handler for {}", event));
            } catch (IOException | RuntimeException e) {
                LOG.error("message from the page failed: {}", text, e);
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            handlers.forEach(UiMessageHandler::destroy);
            super.onWebSocketClose(statusCode, reason);
        }

        private synchronized void send(ObjectNode message) {
            if (isConnected()) {
                try {
                    getRemote().sendString(message.toString());
                } catch (IOException e) {
                    LOG.warn("page went away: {}", e.getMessage());
                }
            }
        }
    }
}
