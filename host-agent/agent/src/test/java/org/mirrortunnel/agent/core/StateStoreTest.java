package org.mirrortunnel.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateStoreTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("bindings.json");
    }

    private String good() throws Exception {
        StateStore s = new StateStore(dir);
        s.save(List.of(new Entry("s1", Bindings.binding("s1", "svc0", 1, 100).build(), Owned.NOTHING, true, null)),
                true);
        return Files.readString(file());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  \n", "{\"version\":1,\"bind", "\u0000\u00ffgarbage", "[1,2]", "{\"bindings\":[]}",
        "{\"version\":\"one\",\"bindings\":[]}", "{\"version\":1}", "{\"version\":1,\"bindings\":{}}",
        "{\"version\":1,\"bindings\":[{\"id\":7,\"owned\":\"x\"}]}", "{\"version\":1,\"bindings\":[{\"id\":\"a b\"}]}",
        "{\"version\":1,\"bindings\":[{\"id\":\"s1\",\"owned\":{\"taps\":[{\"session\":1}]}}]}",
        "{\"version\":1,\"bindings\":[{\"id\":\"s1\",\"binding\":{\"vlans\":\"x\"},\"owned\":{}}]}"})
    void aBrokenFileIsOneLineNamingItAndWhatToDo(String content) throws Exception {
        Files.writeString(file(), content, StandardCharsets.ISO_8859_1);
        byte[] before = Files.readAllBytes(file());

        StateStore.StateException e = assertThrows(StateStore.StateException.class, () -> new StateStore(dir).load());

        assertTrue(e.getMessage().startsWith(file() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("move it aside"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        assertTrue(!e.getMessage().contains("Exception"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsRefused() throws Exception {
        Files.createDirectory(file());
        StateStore.StateException e = assertThrows(StateStore.StateException.class, () -> new StateStore(dir).load());
        assertTrue(e.getMessage().startsWith(file() + ": is not a regular file"), e.getMessage());
    }

    @Test
    void anUnknownVersionIsRefusedAndLeftAsItIs() throws Exception {
        String v2 = good().replace("\"version\":1", "\"version\":2");
        Files.writeString(file(), v2);

        StateStore.StateException e = assertThrows(StateStore.StateException.class, () -> new StateStore(dir).load());

        assertTrue(e.getMessage().contains("version 2, this agent reads version 1"), e.getMessage());
        assertEquals(v2, Files.readString(file()));
    }

    @Test
    void aGoodFileLoads() throws Exception {
        good();
        assertEquals("s1", new StateStore(dir).load().get(0).id());
    }

    @Test
    void oneStoreAtATimeHoldsTheDirectory() throws Exception {
        new StateStore(dir).lock();
        StateStore.StateException e = assertThrows(StateStore.StateException.class, () -> new StateStore(dir).lock());
        assertTrue(e.getMessage().contains(dir + " is in use by another agent (pid "
                + ProcessHandle.current().pid() + ")"), e.getMessage());
    }
}
