package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorException;
import org.slf4j.Logger;

import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Turns every failure into the API's one error model: the HTTP status and a JSON body
 * {@code {"code": status, "message": "...", "field": "..." | null}}, never a stack trace.
 */
public final class ErrorMappers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorMappers() {
    }

    /**
     * Builds an error response.
     *
     * @param status  HTTP status
     * @param field   request field at fault, or null
     * @param message what is wrong
     * @return response with the JSON error body
     */
    static Response error(int status, String field, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body(status, field, message))
                .build();
    }

    /**
     * Builds the error body, for the API's other clients (the GUI) as well.
     *
     * @param status  HTTP status
     * @param field   request field at fault, or null
     * @param message what is wrong
     * @return {"code": status, "message": message, "field": field}
     */
    public static ObjectNode body(int status, String field, String message) {
        ObjectNode body = MAPPER.createObjectNode().put("code", status).put("message", message);
        return body.put("field", field);
    }

    /**
     * Maps the API's own refusals.
     */
    public static final class ApiErrors implements ExceptionMapper<ApiError> {
        @Override
        public Response toResponse(ApiError e) {
            return error(e.status(), e.field(), e.getMessage());
        }
    }

    /**
     * Maps the services' refusals: 400 for an invalid request, 404 for an unknown session, 409 for a clash
     * with the cluster's state.
     */
    public static final class MirrorErrors implements ExceptionMapper<MirrorException> {
        @Override
        public Response toResponse(MirrorException e) {
            ApiError error = ApiError.of(e);
            return error(error.status(), error.field(), error.getMessage());
        }
    }

    /**
     * Maps what the web container refuses itself: unknown paths, methods and media types, missing rights.
     */
    public static final class WebErrors implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            return error(e.getResponse().getStatus(), null, e.getMessage());
        }
    }

    /**
     * Maps anything else, errors of the JVM included, to a 500 without details; the details go to the log.
     */
    public static final class Unexpected implements ExceptionMapper<Throwable> {
        private final Logger log = getLogger(getClass());

        @Override
        public Response toResponse(Throwable e) {
            log.error("REST request failed", e);
            return error(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(), null,
                    "internal error: " + e.getClass().getSimpleName() + " (details in the ONOS log)");
        }
    }
}
