package org.mirrortunnel.app.intent;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.onlab.packet.VlanId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DefaultLink;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.Link;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentCompilationException;
import org.onosproject.net.intent.LinkCollectionIntent;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.net.link.LinkServiceAdapter;
import org.onosproject.net.provider.ProviderId;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.onosproject.net.ConnectPoint.deviceConnectPoint;

/**
 * The compiler on a small fabric: s1 - s2 - s3 in a line, with s2 - s4 and a longer detour s1 - s5 - s3.
 */
public class MirrorIntentCompilerTest {
    private static final ProviderId PID = new ProviderId("of", "test");
    private final List<Link> links = new ArrayList<>();
    private final MirrorIntentCompiler compiler = new MirrorIntentCompiler();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        connect("of:1/10", "of:2/20");
        connect("of:2/21", "of:3/30");
        connect("of:2/22", "of:4/40");
        connect("of:1/11", "of:5/50");
        connect("of:5/51", "of:3/31");
        compiler.linkService = new LinkServiceAdapter() {
            @Override
            public Iterable<Link> getActiveLinks() {
                return List.copyOf(links);
            }
        };
    }

    @After
    public void tearDown() {
        MockIdGenerator.unbind();
    }

    private void connect(String a, String b) {
        links.add(link(a, b));
        links.add(link(b, a));
    }

    private static Link link(String src, String dst) {
        return DefaultLink.builder().providerId(PID).src(deviceConnectPoint(src)).dst(deviceConnectPoint(dst))
                .type(Link.Type.DIRECT).state(Link.State.ACTIVE).build();
    }

    private MirrorIntent intent(String ingress, String... egress) {
        return MirrorIntent.builder().appId(new DefaultApplicationId(1, "test"))
                .ingressPoint(deviceConnectPoint(ingress))
                .egressPoints(Set.of(egress).stream().map(ConnectPoint::deviceConnectPoint).collect(Collectors.toSet()))
                .vlan(VlanId.vlanId((short) 3000)).build();
    }

    private static Set<String> hops(LinkCollectionIntent lc) {
        return lc.links().stream().map(l -> l.src() + ">" + l.dst()).collect(Collectors.toSet());
    }

    @Test
    public void severalMonitorsGetOneTreeAlongShortestPaths() {
        List<Intent> out = compiler.compile(intent("of:1/1", "of:3/1", "of:4/1"), List.of());

        assertEquals(1, out.size());
        LinkCollectionIntent lc = (LinkCollectionIntent) out.get(0);
        assertEquals(Set.of("of:1/10>of:2/20", "of:2/21>of:3/30", "of:2/22>of:4/40"), hops(lc));
        assertEquals(Set.of(new FilteredConnectPoint(deviceConnectPoint("of:1/1"))), lc.filteredIngressPoints());
        assertEquals(2, lc.filteredEgressPoints().size());
        assertEquals(VlanId.vlanId((short) 3000), ((org.onosproject.net.flow.criteria.VlanIdCriterion)
                lc.selector().getCriterion(org.onosproject.net.flow.criteria.Criterion.Type.VLAN_VID)).vlanId());
    }

    @Test
    public void aFailedLinkGivesTheDetour() {
        links.removeIf(l -> l.src().deviceId().toString().equals("of:2")
                && l.dst().deviceId().toString().equals("of:3"));

        LinkCollectionIntent lc = (LinkCollectionIntent) compiler.compile(intent("of:1/1", "of:3/1"), List.of()).get(0);
        assertEquals(Set.of("of:1/11>of:5/50", "of:5/51>of:3/31"), hops(lc));
    }

    @Test(expected = IntentCompilationException.class)
    public void anUnreachableMonitorIsACompilationError() {
        compiler.compile(intent("of:1/1", "of:9/1"), List.of());
    }
}
