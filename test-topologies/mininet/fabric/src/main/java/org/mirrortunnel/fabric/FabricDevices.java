package org.mirrortunnel.fabric;

import org.onlab.packet.ChassisId;
import org.onosproject.net.DefaultDevice;
import org.onosproject.net.DefaultPort;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.Port;
import org.onosproject.net.device.DeviceServiceAdapter;
import org.onosproject.net.provider.ProviderId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fabric's switches as ONOS's device service lists them once they have connected: all available. */
final class FabricDevices extends DeviceServiceAdapter {
    static final ProviderId PROVIDER = new ProviderId("of", "org.onosproject.provider.openflow");

    private final Map<DeviceId, Device> devices = new LinkedHashMap<>();
    private final Map<DeviceId, List<Port>> ports = new LinkedHashMap<>();

    FabricDevices(FabricTopology topology) {
        for (FabricTopology.Switch s : topology.switches()) {
            Device d = new DefaultDevice(PROVIDER, s.id(), Device.Type.SWITCH, "Nicira, Inc.", "Open vSwitch",
                    "3.1", s.bridge(), new ChassisId(Long.parseUnsignedLong(s.id().uri().getSchemeSpecificPart(),
                    16)));
            devices.put(s.id(), d);
            List<Port> list = new ArrayList<>();
            s.ports().values().forEach(n -> list.add(new DefaultPort(d, n, true)));
            ports.put(s.id(), list);
        }
    }

    @Override
    public int getDeviceCount() {
        return devices.size();
    }

    @Override
    public int getAvailableDeviceCount() {
        return devices.size();
    }

    @Override
    public Iterable<Device> getDevices() {
        return List.copyOf(devices.values());
    }

    @Override
    public Iterable<Device> getAvailableDevices() {
        return getDevices();
    }

    @Override
    public Device getDevice(DeviceId id) {
        return devices.get(id);
    }

    @Override
    public boolean isAvailable(DeviceId id) {
        return devices.containsKey(id);
    }

    @Override
    public List<Port> getPorts(DeviceId id) {
        return ports.getOrDefault(id, List.of());
    }
}
