package org.mirrortunnel.app.packaging;

import org.junit.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

/**
 * The .oar that {@code mvn package} built: app.xml, features and the bundle's manifest as ONOS 2.7 needs them.
 */
public class OarPackagingIT {

    private static Path oar() throws IOException {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target"), "*.oar")) {
            return found.iterator().next();
        }
    }

    private static String text(ZipFile zip, String suffix) throws IOException {
        ZipEntry e = zip.stream().filter(z -> z.getName().endsWith(suffix)).findFirst().orElseThrow();
        try (InputStream in = zip.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Attributes manifest(ZipFile zip) throws IOException {
        ZipEntry e = zip.stream().filter(z -> z.getName().endsWith(".jar")).findFirst().orElseThrow();
        try (InputStream in = zip.getInputStream(e);
             JarInputStream jar = new JarInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
            return jar.getManifest().getMainAttributes();
        }
    }

    @Test
    public void appXmlFeaturesAndManifestFitOnos27() throws IOException {
        try (ZipFile zip = new ZipFile(oar().toFile())) {
            String app = text(zip, "app.xml");
            assertThat(app, containsString("name=\"org.mirrortunnel.app\""));
            assertThat(app, containsString("apps=\"org.onosproject.protocols.grpc,org.onosproject.gui\""));
            assertThat(text(zip, "-features.xml"), containsString("mvn:org.mirrortunnel/mirror-tunnel-app/"));

            Attributes m = manifest(zip);
            assertEquals("org.mirrortunnel.app", m.getValue("Bundle-SymbolicName"));
            assertEquals("org.mirrortunnel.app.cli", m.getValue("Karaf-Commands"));
            assertEquals("/onos/mirror", m.getValue("Web-ContextPath"));
            String imports = m.getValue("Import-Package");
            assertThat("gRPC and protobuf from ONOS's own bundles", imports,
                    containsString("io.grpc;version=\"[2.7,3)\""));
            assertThat(imports, containsString("com.google.protobuf;version=\"[2.7,3)\""));
            assertThat("the generated agent API stays private", imports, not(containsString("org.mirrortunnel.agent")));
            assertThat(imports, containsString("org.apache.karaf.shell.api.action"));
            String components = m.getValue("Service-Component");
            assertNotNull(components);
            for (String c : new String[]{"MirrorManager", "DistributedMirrorStore", "AgentProgrammer"}) {
                assertThat(components, containsString(c));
            }
        }
    }
}
