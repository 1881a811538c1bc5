package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

/**
 * The bundle in the .oar serves the REST API: a web bundle at /onos/mirror with the Jersey servlet, the
 * generated swagger document and the components that register it and the codecs.
 */
public class RestBundleIT {

    @Test
    public void theBundleCarriesTheWebAppItsApiDocAndItsRegistrators() throws IOException {
        Path oar;
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target"), "*.oar")) {
            oar = found.iterator().next();
        }
        try (ZipFile zip = new ZipFile(oar.toFile())) {
            ZipEntry bundle = zip.stream().filter(z -> z.getName().endsWith(".jar")).findFirst().orElseThrow();
            byte[] swagger = null;
            String webXml = null;
            try (InputStream in = zip.getInputStream(bundle);
                 JarInputStream jar = new JarInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
                Attributes m = jar.getManifest().getMainAttributes();
                assertEquals("/onos/mirror", m.getValue("Web-ContextPath"));
                assertThat(m.getValue("Import-Package"), containsString("org.glassfish.jersey.servlet"));
                assertThat(m.getValue("Service-Component"), containsString("ApiDocRegistrator"));
                assertThat(m.getValue("Service-Component"), containsString("MirrorCodecRegistrator"));
                for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                    if (e.getName().equals("WEB-INF/classes/apidoc/swagger.json")) {
                        swagger = jar.readAllBytes();
                    } else if (e.getName().equals("WEB-INF/web.xml")) {
                        webXml = new String(jar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                }
            }
            assertThat(webXml, containsString("org.mirrortunnel.app.web.MirrorWebApplication"));
            JsonNode doc = new ObjectMapper().readTree(swagger);
            assertEquals("/onos/mirror", doc.get("basePath").asText());
            assertEquals(new ObjectMapper().readTree(Path.of("target/swagger.json").toFile()), doc);
            assertThat(doc.get("paths").toString(), containsString("/v1/sessions/{id}/stats"));
        }
    }
}
