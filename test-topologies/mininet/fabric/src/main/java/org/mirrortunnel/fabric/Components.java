package org.mirrortunnel.fabric;

import org.onlab.junit.TestUtils;
import org.onlab.osgi.ComponentContextAdapter;
import org.osgi.service.component.ComponentContext;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

/**
 * What ONOS's component runtime does to a component, done by hand as ONOS's own tests do it with
 * {@code TestUtils}: references set by field, lifecycle methods called (they are protected).
 */
final class Components {
    private Components() {
    }

    /**
     * Binds a reference.
     *
     * @param component the component
     * @param field     the reference's field
     * @param service   the service bound
     */
    static void set(Object component, String field, Object service) {
        try {
            TestUtils.setField(component, field, service);
        } catch (TestUtils.TestUtilsException e) {
            throw new IllegalStateException(component.getClass().getSimpleName() + "." + field + ": " + e, e);
        }
    }

    /**
     * Calls a lifecycle method without arguments.
     *
     * @param component the component
     * @param method    e.g. "activate"
     */
    static void call(Object component, String method) {
        try {
            TestUtils.callMethod(component, method, new Class<?>[0]);
        } catch (TestUtils.TestUtilsException e) {
            throw failed(component, method, e);
        }
    }

    /**
     * Calls a lifecycle method that takes the component's context.
     *
     * @param component  the component
     * @param method     e.g. "activate"
     * @param properties the component's config properties
     */
    static void call(Object component, String method, Map<String, Object> properties) {
        try {
            TestUtils.callMethod(component, method, ComponentContext.class, new ComponentContextAdapter() {
                @Override
                public Dictionary<String, Object> getProperties() {
                    return new Hashtable<>(properties);
                }
            });
        } catch (TestUtils.TestUtilsException e) {
            throw failed(component, method, e);
        }
    }

    private static IllegalStateException failed(Object component, String method, TestUtils.TestUtilsException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new IllegalStateException(component.getClass().getSimpleName() + "." + method + ": " + cause, cause);
    }
}
