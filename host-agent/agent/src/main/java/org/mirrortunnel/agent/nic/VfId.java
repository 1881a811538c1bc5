package org.mirrortunnel.agent.nic;

import org.mirrortunnel.agent.api.v1.VfRef;

/** A VF of a PF: the key the agent uses for VFs everywhere. */
public record VfId(String pf, int vf) implements Comparable<VfId> {

    public static VfId of(VfRef ref) {
        return new VfId(ref.getPf(), ref.getVf());
    }

    public VfRef toRef() {
        return VfRef.newBuilder().setPf(pf).setVf(vf).build();
    }

    @Override
    public int compareTo(VfId o) {
        int c = pf.compareTo(o.pf);
        return c != 0 ? c : Integer.compare(vf, o.vf);
    }

    @Override
    public String toString() {
        return pf + "/" + vf;
    }
}
