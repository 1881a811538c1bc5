package org.mirrortunnel.agent.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VlanListTest {
    @Test
    void formatsRangesAscending() {
        assertEquals("2,4,18-22", VlanList.format(List.of(22, 2, 18, 19, 4, 20, 21)));
        assertEquals("", VlanList.format(List.of()));
        assertEquals("0-4095", VlanList.format(VlanList.parse("0-4095")));
    }

    @Test
    void parsesWhatTheDriversPrint() {
        assertEquals(Set.of(2, 4, 18, 19, 20), VlanList.parse(" 2,4,18-20\n"));
        assertEquals(Set.of(), VlanList.parse("none"));
        assertEquals(Set.of(), VlanList.parse(""));
        assertThrows(IllegalArgumentException.class, () -> VlanList.parse("2,x"));
    }
}
