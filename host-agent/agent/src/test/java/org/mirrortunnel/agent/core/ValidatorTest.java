package org.mirrortunnel.agent.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.SourcePort;

class ValidatorTest {
    private static final String HUGE = "x".repeat(20_000);
    private final Validator validator = new Validator(Bindings.INVENTORY, 100, 3000);

    private static Binding good() {
        return Bindings.binding("s-1.a:b", "svc0", 1, 100).build();
    }

    private static SourcePort.Builder source(Binding.Builder b) {
        return b.getSourcesBuilder(0);
    }

    @Test
    void aWellFormedBindingPasses() {
        assertDoesNotThrow(() -> validator.validate(good(), ""));
        assertDoesNotThrow(() -> validator.validate(good().toBuilder().setFilter(Filter.newBuilder()
                .setSrcPrefix("10.0.0.0/8").setDstPrefix("192.0.2.2").setIpProtocol(17).setDstPort(53))
                .setSampleEvery(10).setSnaplen(128).build(), ""));
        assertDoesNotThrow(() -> validator.validate(good().toBuilder().setFilter(Filter.newBuilder()
                .setSrcPrefix("2001:db8::/32")).build(), ""));
        assertDoesNotThrow(() -> validator.validate(good().toBuilder().setFilter(Filter.newBuilder()
                .setPrefix("10.1.0.0/16").setDstPrefix("10.2.0.1").setIpProtocol(6).setPort(5000).setSrcPort(80))
                .build(), ""));
        assertDoesNotThrow(() -> validator.validate(good().toBuilder().setFilter(Filter.newBuilder()
                .setPrefix("2001:db8::1").setIpProtocol(132).setPort(1)).build(), ""));
        assertDoesNotThrow(() -> validator.validate(good().toBuilder().clearSources().build(), ""));
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                bad("id", b -> b.setId("")),
                bad("id", b -> b.setId("x".repeat(65))),
                bad("id", b -> b.setId("a b")),
                bad("sources/monitors", b -> b.clearSources().clearMonitors()),
                bad("sources[0].ifname", b -> source(b).setIfname("a".repeat(16))),
                bad("sources[0].ifname", b -> source(b).setIfname("svc0;reboot")),
                bad("sources[0].ifname", b -> source(b).setIfname("..")),
                bad("sources[0].ifname", b -> source(b).setIfname("tun0")),
                bad("sources[0].ifname", b -> source(b).setIfname("tun1")),
                bad("sources[0].ifname", b -> source(b).setIfname("-x")),
                bad("sources[0].netns", b -> source(b).setNetns("../etc")),
                bad("sources[0].netns", b -> source(b).setNetns("-n")),
                bad("sources[0].tunnel", b -> source(b).setTunnel(source(b).getTunnel().toBuilder().setPf("-p"))),
                bad("sources[0].tunnel", b -> source(b).setTunnel(Bindings.vf(9))),
                bad("sources[0].tunnel", b -> source(b).setTunnel(Bindings.vf(2))),
                bad("sources[0].tunnel", b -> source(b).setNetns("ns-b")),
                bad("sources[1].ifname", b -> b.addSources(b.getSources(0))),
                bad("sources[1].tunnel", b -> b.addSources(b.getSources(0).toBuilder().setIfname("svc1"))),
                bad("direction", b -> b.setDirection(Direction.DIRECTION_UNSPECIFIED)),
                bad("vlans", b -> b.clearVlans()),
                bad("vlans", b -> b.clearVlans().addVlans(0)),
                bad("vlans", b -> b.clearVlans().addVlans(4095)),
                bad("vlans", b -> b.clearVlans().addVlans(3001)),
                bad("vlans", b -> b.addVlans(100)),
                bad("vlans", b -> b.clearVlans().addAllVlans(java.util.List.of(101, 102, 103, 104, 105, 106, 107, 108, 109))),
                bad("snaplen", b -> b.setSnaplen(63)),
                bad("snaplen", b -> b.setSnaplen(65536)),
                bad("sample_every", b -> b.setSampleEvery(-1)),
                bad("filter.src_prefix", b -> b.getFilterBuilder().setSrcPrefix("10.0.0.1/8")),
                bad("filter.src_prefix", b -> b.getFilterBuilder().setSrcPrefix("10.0.0/8")),
                bad("filter.src_prefix", b -> b.getFilterBuilder().setSrcPrefix("example.com")),
                bad("filter.dst_prefix", b -> b.getFilterBuilder().setDstPrefix("10.0.0.0/33")),
                bad("filter.dst_prefix", b -> b.getFilterBuilder().setSrcPrefix("10.0.0.0/8").setDstPrefix("::1")),
                bad("filter.ip_protocol", b -> b.getFilterBuilder().setIpProtocol(256)),
                bad("filter.src_port", b -> b.getFilterBuilder().setIpProtocol(1).setSrcPort(80)),
                bad("filter.dst_port", b -> b.getFilterBuilder().setIpProtocol(6).setDstPort(70000)),
                bad("filter.prefix", b -> b.getFilterBuilder().setPrefix("10.0.0.1/8")),
                bad("filter.prefix", b -> b.getFilterBuilder().setPrefix("2001:db8::/129")),
                bad("filter.prefix", b -> b.getFilterBuilder().setPrefix("host.example")),
                bad("filter.prefix", b -> b.getFilterBuilder().setPrefix("10.0.0.0/8/8")),
                bad("filter.prefix", b -> b.getFilterBuilder().setSrcPrefix("10.0.0.0/8").setPrefix("2001:db8::/32")),
                bad("filter.prefix", b -> b.getFilterBuilder().setDstPrefix("::/0").setPrefix("0.0.0.0/0")),
                bad("filter.prefix", b -> b.getFilterBuilder().setPrefix("1".repeat(20_000))),
                bad("filter.port", b -> b.getFilterBuilder().setPort(80)),
                bad("filter.port", b -> b.getFilterBuilder().setIpProtocol(1).setPort(80)),
                bad("filter.port", b -> b.getFilterBuilder().setIpProtocol(17).setPort(65536)),
                bad("filter.port", b -> b.getFilterBuilder().setIpProtocol(17).setPort(-1)),
                bad("monitors[0].vf", b -> b.setMonitors(0, MonitorPort.newBuilder().setVf(Bindings.vf(1)))),
                bad("monitors[1].vf", b -> b.addMonitors(b.getMonitors(0))),
                bad("id", b -> b.setId(HUGE)),
                bad("sources[0].ifname", b -> source(b).setIfname(HUGE)),
                bad("sources[0].netns", b -> source(b).setNetns(HUGE)),
                bad("sources[0].tunnel", b -> source(b).setTunnel(source(b).getTunnel().toBuilder().setPf(HUGE))),
                bad("monitors[0].vf", b -> b.setMonitors(0, MonitorPort.newBuilder().setVf(Bindings.vf(2).toBuilder()
                        .setPf(HUGE)))),
                bad("filter.src_prefix", b -> b.getFilterBuilder().setSrcPrefix(HUGE)),
                bad("filter.dst_prefix", b -> b.getFilterBuilder().setDstPrefix("1".repeat(20_000))));
    }

    private static Arguments bad(String field, Consumer<Binding.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void aBadFieldIsInvalidArgumentNamingTheField(String field, Consumer<Binding.Builder> change) {
        Binding.Builder b = good().toBuilder();
        change.accept(b);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> validator.validate(b.build(), "x."));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("x." + field + ":"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().length() < 300, "values are quoted cut short");
    }
}
