package org.mirrortunnel.app.gui;

import org.junit.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

/**
 * The bundle {@code mvn package} built holds the GUI where ONOS's classic GUI loads it from: the pages under the
 * bundle's class path, the same bytes as in web-gui/, and the component that registers them.
 */
public class GuiPackagingIT {

    private static Path bundle() throws IOException {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target"),
                "mirror-tunnel-app-*-SNAPSHOT.jar")) {
            return found.iterator().next();
        }
    }

    @Test
    public void bundleHoldsThePagesAndTheComponent() throws IOException {
        try (JarFile jar = new JarFile(bundle().toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Bundle-ClassPath");
            for (String page : new String[]{"gui/js.html", "gui/css.html",
                    "app/view/mirrorSessions/mirrorSessions.html", "app/view/mirrorSessions/mirrorSessions.js",
                    "app/view/mirrorSessions/mirrorSessions.css", "app/view/mirrorTopov/mirrorTopov.js",
                    "app/view/mirrorTopov/mirrorTopov.css"}) {
                ZipEntry entry = jar.getEntry(classPath + "/" + page);
                assertNotNull(page + " under " + classPath, entry);
                try (InputStream in = jar.getInputStream(entry)) {
                    assertEquals(page, Files.readString(Path.of("..", "web-gui", page)),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertThat(manifest.getValue("Service-Component"), containsString("MirrorGuiComponent"));
            assertThat(manifest.getValue("Import-Package"), containsString("org.onosproject.ui.topo"));
            assertThat(manifest.getValue("Import-Package"), containsString("org.onosproject.ui.table"));
        }
    }
}
