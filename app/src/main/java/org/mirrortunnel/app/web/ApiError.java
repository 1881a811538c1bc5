package org.mirrortunnel.app.web;

import org.mirrortunnel.app.api.MirrorException;

import javax.ws.rs.core.Response;

/**
 * A request the API refuses: the HTTP status, the request field at fault (null when none is) and a message
 * for the client. Thrown before anything is changed.
 */
public class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;

    /**
     * Creates an error.
     *
     * @param status  HTTP status
     * @param field   request field at fault, or null
     * @param message what is wrong
     */
    public ApiError(Response.Status status, String field, String message) {
        this(status.getStatusCode(), field, message);
    }

    private ApiError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /**
     * Returns a 400 error about one field.
     *
     * @param field   the field, as a JSON path ("filter.srcPort", "sources[1]")
     * @param message what is wrong with it
     * @return error
     */
    public static ApiError badField(String field, String message) {
        return new ApiError(Response.Status.BAD_REQUEST, field, message);
    }

    /**
     * Returns the error the API answers a refusal of the mirror services with: 400 for an invalid request, 404
     * for an unknown session, 409 for a clash with the cluster's state.
     *
     * @param e the refusal
     * @return error with the refusal's field and message
     */
    public static ApiError of(MirrorException e) {
        Response.Status status = e.reason() == MirrorException.Reason.NOT_FOUND ? Response.Status.NOT_FOUND
                : e.reason() == MirrorException.Reason.CONFLICT ? Response.Status.CONFLICT
                : Response.Status.BAD_REQUEST;
        return new ApiError(status, e.field().orElse(null), e.getMessage());
    }

    /**
     * Returns this error with its field placed under a parent field.
     *
     * @param parent the enclosing field
     * @return error naming parent.field
     */
    public ApiError under(String parent) {
        return new ApiError(status, field == null ? parent : parent + (field.startsWith("[") ? "" : ".") + field,
                getMessage());
    }

    /**
     * Returns the HTTP status.
     *
     * @return status code
     */
    public int status() {
        return status;
    }

    /**
     * Returns the field at fault.
     *
     * @return field, null when none is
     */
    public String field() {
        return field;
    }
}
