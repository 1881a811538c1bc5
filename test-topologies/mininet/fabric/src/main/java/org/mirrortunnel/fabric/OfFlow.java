package org.mirrortunnel.fabric;

import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.PortCriterion;
import org.onosproject.net.flow.criteria.VlanIdCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.Instructions;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One ONOS FlowRule as {@code ovs-ofctl -O OpenFlow13} flow text: a narrow translation of what ONOS's
 * link-collection compiler emits for a VLAN-selected intent (match in_port and VLAN id; apply outputs). Anything
 * else is refused rather than half-translated. The cookie is the rule's FlowId, as ONOS's OpenFlow provider sets it.
 *
 * @param device   the switch
 * @param table    OpenFlow table
 * @param priority OpenFlow priority
 * @param match    match fields, e.g. {@code in_port=3,dl_vlan=100}
 * @param actions  action list, e.g. {@code output:1,output:2}
 * @param cookie   the FlowId
 */
public record OfFlow(DeviceId device, int table, int priority, String match, String actions, long cookie) {

    /**
     * Translates a FlowRule.
     *
     * @param rule rule from an ONOS compiler
     * @return the flow
     * @throws IllegalArgumentException for a match or action outside the translation
     */
    public static OfFlow of(FlowRule rule) {
        TreeMap<Integer, String> fields = new TreeMap<>();
        for (Criterion c : rule.selector().criteria()) {
            switch (c.type()) {
                case IN_PORT:
                    fields.put(0, "in_port=" + port(((PortCriterion) c).port()));
                    break;
                case VLAN_VID:
                    VlanIdCriterion v = (VlanIdCriterion) c;
                    if (v.vlanId().toShort() < 1 || v.vlanId().toShort() > 4094) {
                        throw new IllegalArgumentException("unsupported VLAN match " + v.vlanId());
                    }
                    fields.put(1, "dl_vlan=" + v.vlanId().toShort());
                    break;
                default:
                    throw new IllegalArgumentException("unsupported criterion " + c);
            }
        }
        if (!rule.treatment().deferred().isEmpty() || rule.treatment().clearedDeferred()
                || rule.treatment().tableTransition() != null || rule.treatment().metered() != null
                || rule.treatment().writeMetadata() != null) {
            throw new IllegalArgumentException("unsupported treatment " + rule.treatment());
        }
        List<String> actions = new ArrayList<>();
        for (Instruction i : rule.treatment().immediate()) {
            if (i.type() != Instruction.Type.OUTPUT) {
                throw new IllegalArgumentException("unsupported instruction " + i);
            }
            PortNumber out = ((Instructions.OutputInstruction) i).port();
            actions.add(PortNumber.IN_PORT.equals(out) ? "in_port" : "output:" + port(out));
        }
        return new OfFlow(rule.deviceId(), rule.tableId(), rule.priority(), String.join(",", fields.values()),
                actions.isEmpty() ? "drop" : String.join(",", actions), rule.id().value());
    }

    private static long port(PortNumber p) {
        if (p.isLogical()) {
            throw new IllegalArgumentException("unsupported logical port " + p);
        }
        return p.toLong();
    }

    /** The flow as {@code ovs-ofctl add-flow} takes it. */
    public String addText() {
        return String.format("cookie=0x%x,table=%d,priority=%d,%s,actions=%s", cookie, table, priority, match,
                actions);
    }

    /** The flow's table, priority and match, as {@code ovs-ofctl --strict del-flows} takes it. */
    public String matchText() {
        return String.format("table=%d,priority=%d,%s", table, priority, match);
    }
}
