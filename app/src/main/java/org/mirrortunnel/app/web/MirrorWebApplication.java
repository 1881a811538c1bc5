package org.mirrortunnel.app.web;

import com.google.common.collect.ImmutableSet;
import org.onlab.rest.AuthorizationFilter;
import org.onlab.rest.JsonBodyWriter;

import javax.ws.rs.core.Application;
import java.util.Set;

/**
 * The REST application behind /onos/mirror: ONOS's authorization filter (viewers read, admins write), the
 * resources under /v1 and the error mappers of the API's one error model.
 */
public class MirrorWebApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
        return ImmutableSet.of(AuthorizationFilter.class, JsonBodyWriter.class,
                SessionsWebResource.class, AgentsWebResource.class, VlanPoolWebResource.class,
                ErrorMappers.ApiErrors.class, ErrorMappers.MirrorErrors.class, ErrorMappers.WebErrors.class,
                ErrorMappers.Unexpected.class);
    }
}
