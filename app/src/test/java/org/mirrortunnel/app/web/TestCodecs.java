package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.onlab.junit.TestUtils;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;
import org.onosproject.codec.impl.CodecManager;

/**
 * ONOS's codec manager with the mirror codecs registered by their registrator, and a codec context on it.
 */
public final class TestCodecs implements CodecContext {
    public final CodecManager manager = new CodecManager();
    private final ObjectMapper mapper = new ObjectMapper();

    public TestCodecs() {
        manager.activate();
        MirrorCodecRegistrator registrator = new MirrorCodecRegistrator();
        TestUtils.setField(registrator, "codecService", manager);
        registrator.activate();
    }

    @Override
    public ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public <T> JsonCodec<T> codec(Class<T> entityClass) {
        return manager.getCodec(entityClass);
    }

    @Override
    public <T> T getService(Class<T> serviceClass) {
        throw new UnsupportedOperationException("codecs need no service");
    }
}
