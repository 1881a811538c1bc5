package org.mirrortunnel.app.api;

import org.junit.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

/** The rules for session names, session ids and VLAN lists, at their edges. */
public class NameRulesTest {

    private static MirrorSession.Builder session() {
        return MirrorSession.builder().name("s").sources(List.of(MirrorEndpoint.parse("h:svc0")))
                .monitors(List.of(MirrorEndpoint.parse("h:mon0")));
    }

    private static MirrorException refused(Object input, Runnable call) {
        try {
            call.run();
        } catch (MirrorException e) {
            return e;
        }
        fail("accepted " + input);
        return null;
    }

    private static void refusedName(String name) {
        assertEquals(Optional.of("name"), refused(name, () -> session().name(name).build()).field());
    }

    @Test
    public void namesAreOneToSixtyFourLettersDigitsDotsUnderscoresAndDashes() {
        assertEquals("Az09._-", session().name("Az09._-").build().name());
        assertEquals(64, session().name("n".repeat(64)).build().name().length());
        for (String bad : new String[] {null, "", "n".repeat(65), "a b", "a:b", "a/b", "é", "a\u0000"}) {
            refusedName(bad);
        }
    }

    @Test
    public void idsAlsoTakeColons() {
        assertEquals("ms-1:a._-Z", MirrorSessionId.of("ms-1:a._-Z").id());
        assertEquals(64, MirrorSessionId.of("i".repeat(64)).id().length());
        for (String bad : new String[] {null, "", "i".repeat(65), "a b", "a/b", "ü"}) {
            refused(bad, () -> MirrorSessionId.of(bad));
        }
    }

    @Test
    public void vlansAreAtMostEightDistinctIdsInRange() {
        assertEquals(List.of(1, 4094), session().vlans(List.of(1, 4094)).build().vlans());
        assertEquals(8, session().vlans(List.of(1, 2, 3, 4, 5, 6, 7, 8)).build().vlans().size());
        for (List<Integer> bad : List.of(List.of(0), List.of(4095), List.of(5, 6, 5),
                List.of(1, 2, 3, 4, 5, 6, 7, 8, 9))) {
            assertEquals(Optional.of("vlans"), refused(bad, () -> session().vlans(bad).build()).field());
        }
    }
}
