package org.mirrortunnel.app.gui;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.onosproject.net.intent.MockIdGenerator;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.fail;

/**
 * The view's and the overlay's real JavaScript in headless Chromium, with AngularJS and d3 at the versions of
 * ONOS 2.7's classic GUI and only ONOS's GUI framework services stubbed, talking over a WebSocket to the real
 * message handlers on the real manager ({@link GuiBridge}). The browser tests are {@code web-gui/test/*.test.mjs}
 * (node's test runner, playwright-core, Debian's Chromium); each of them is one case here. Screenshots go to
 * {@code target/gui-browser}, or where the system property {@code mirror.gui.screenshots} says.
 */
@RunWith(Parameterized.class)
public class GuiBrowserTest {
    private static final Path WEB_GUI = Path.of("..", "web-gui").toAbsolutePath().normalize();
    private static final Path OUT = Path.of("target", "gui-browser").toAbsolutePath();
    private static final long TIMEOUT_MINUTES = 5;

    private final String failure;

    /**
     * Creates one case.
     *
     * @param name    the browser test's name
     * @param failure why it failed, null when it passed
     */
    public GuiBrowserTest(String name, String failure) {
        this.failure = failure;
    }

    /**
     * Runs the browser tests once against a bridge on the fixture's network.
     *
     * @return one case per browser test: its name and its failure, if any
     * @throws Exception when the run cannot be made
     */
    @Parameterized.Parameters(name = "{0}")
    public static List<Object[]> browserTests() throws Exception {
        Path chromium = Path.of(System.getProperty("mirror.gui.chromium", "/usr/bin/chromium"));
        if (!Files.isDirectory(WEB_GUI.resolve("node_modules/playwright-core")) || !Files.isExecutable(chromium)) {
            return List.<Object[]>of(new Object[]{"browser and node modules installed",
                    "run tools/bootstrap: it installs Debian's chromium and web-gui's node modules (npm ci)"});
        }
        Files.createDirectories(OUT);
        Path report = OUT.resolve("junit.xml");
        Files.deleteIfExists(report);
        MockIdGenerator.cleanBind();
        GuiFixture fx = new GuiFixture();
        int exit;
        try (GuiBridge bridge = new GuiBridge(fx, WEB_GUI)) {
            fx.addSampleSessions();
            ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec",
                    "--test-reporter-destination=stdout", "--test-reporter=junit",
                    "--test-reporter-destination=" + report, WEB_GUI.resolve("test/gui.test.mjs").toString())
                    .redirectErrorStream(true).redirectOutput(OUT.resolve("node.log").toFile());
            node.environment().put("NO_COLOR", "1");
            node.environment().put("MT_GUI_URL", bridge.uri().toString());
            node.environment().put("MT_GUI_CHROMIUM", chromium.toString());
            node.environment().put("MT_GUI_SCREENSHOTS",
                    System.getProperty("mirror.gui.screenshots", OUT.toString()));
            Process p = node.start();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
            exit = p.exitValue();
        } finally {
            fx.stop();
            MockIdGenerator.unbind();
        }
        List<Object[]> cases = cases(report);
        if (cases.isEmpty() || (exit != 0 && cases.stream().allMatch(c -> c[1] == null))) {
            cases.add(new Object[]{"browser run", "node exited " + exit + " (see " + OUT.resolve("node.log")
                    + "):\n" + Files.readString(OUT.resolve("node.log"))});
        }
        return cases;
    }

    private static List<Object[]> cases(Path report) throws Exception {
        List<Object[]> cases = new ArrayList<>();
        if (!Files.exists(report)) {
            return cases;
        }
        // failure messages may hold terminal escapes, which XML 1.0 does not allow
        String xml = Files.readString(report).replaceAll("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]", "");
        NodeList tests = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(xml))).getElementsByTagName("testcase");
        for (int i = 0; i < tests.getLength(); i++) {
            Element t = (Element) tests.item(i);
            NodeList failures = t.getElementsByTagName("failure");
            cases.add(new Object[]{t.getAttribute("name"),
                    failures.getLength() == 0 ? null : failures.item(0).getTextContent()});
        }
        return cases;
    }

    @Test
    public void passesInChromium() {
        if (failure != null) {
            fail(failure);
        }
    }
}
