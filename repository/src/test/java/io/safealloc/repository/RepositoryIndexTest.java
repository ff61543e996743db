package io.safealloc.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * target/repository/index.xml (bnd's indexer) lists every published bundle, by symbolic name and
 * version, with its packages and services, at a URL relative to the index that holds that jar.
 */
class RepositoryIndexTest {

    private static final String NS = "http://www.osgi.org/xmlns/repository/v1.0.0";

    @Test
    void indexListsEveryBundleAtItsJar() throws Exception {
        Path index = PublishedBundles.REPOSITORY.resolve("index.xml");
        assertTrue(Files.isRegularFile(index), "missing " + index);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(index.toFile());

        Map<String, String> indexed = new TreeMap<>(); // bsn -> url
        Map<String, Boolean> exportsApi = new HashMap<>();
        NodeList resources = document.getElementsByTagNameNS(NS, "resource");
        for (int i = 0; i < resources.getLength(); i++) {
            Element resource = (Element) resources.item(i);
            String identity = null;
            String url = null;
            NodeList capabilities = resource.getElementsByTagNameNS(NS, "capability");
            for (int c = 0; c < capabilities.getLength(); c++) {
                Element capability = (Element) capabilities.item(c);
                String namespace = capability.getAttribute("namespace");
                if (namespace.equals("osgi.identity")) {
                    identity = attribute(capability, "osgi.identity");
                } else if (namespace.equals("osgi.content")) {
                    url = attribute(capability, "url");
                } else if (namespace.equals("osgi.wiring.package")
                        && "io.safealloc.api".equals(attribute(capability, "osgi.wiring.package"))) {
                    exportsApi.put(identity, true);
                }
            }
            indexed.put(identity, url);
        }

        Map<String, String> expected = new TreeMap<>();
        for (Path jar : PublishedBundles.jars()) {
            expected.put(PublishedBundles.header(jar, "Bundle-SymbolicName"), jar.getFileName().toString());
        }
        assertEquals(expected.keySet(), indexed.keySet(), "bundles in index.xml");
        indexed.forEach((bsn, url) -> {
            assertEquals(expected.get(bsn), url, bsn + ": URL relative to the index");
            assertTrue(Files.isRegularFile(index.resolveSibling(url)), bsn + ": " + url + " is not beside the index");
        });
        assertEquals(Map.of("io.safealloc.api", true), exportsApi, "who exports io.safealloc.api in the index");
    }

    private static String attribute(Element capability, String name) {
        NodeList attributes = capability.getElementsByTagNameNS(NS, "attribute");
        for (int a = 0; a < attributes.getLength(); a++) {
            Element attribute = (Element) attributes.item(a);
            if (attribute.getAttribute("name").equals(name)) {
                return attribute.getAttribute("value");
            }
        }
        return null;
    }
}
