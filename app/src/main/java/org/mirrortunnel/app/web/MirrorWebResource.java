package org.mirrortunnel.app.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * What the API's resources share: strict reading of request bodies and finding a session or answering 404.
 */
abstract class MirrorWebResource extends AbstractWebResource {
    /** The largest request body accepted, in bytes. */
    static final int MAX_BODY = 64 * 1024;

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Reads a request body that must be one JSON object of at most {@link #MAX_BODY} bytes.
     *
     * @param body request body
     * @return the object
     * @throws ApiError 413 when too large, 400 when empty, malformed or not an object
     */
    static ObjectNode readObject(InputStream body) {
        byte[] bytes;
        try {
            bytes = body.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw ApiError.badField(null, "cannot read the request body: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiError(Response.Status.REQUEST_ENTITY_TOO_LARGE, null,
                    "request body exceeds " + MAX_BODY + " bytes");
        }
        JsonNode json;
        try {
            json = STRICT.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.badField(null, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badField(null, "cannot read the request body: " + e.getMessage());
        }
        if (json == null || json.isMissingNode()) {
            throw ApiError.badField(null, "request body is empty: expected a JSON object");
        }
        if (!json.isObject()) {
            throw ApiError.badField(null, "expected a JSON object");
        }
        return (ObjectNode) json;
    }

    /**
     * Returns the session with the given id.
     *
     * @param id session id from the path
     * @return the session
     * @throws ApiError 404 when there is none (ids that cannot exist included)
     */
    MirrorSession session(String id) {
        try {
            return get(MirrorService.class).getSession(MirrorSessionId.of(id)).orElseThrow(() -> notFound(id));
        } catch (MirrorException e) {
            throw notFound(id);
        }
    }

    private static ApiError notFound(String id) {
        return new ApiError(Response.Status.NOT_FOUND, null, "no session " + id);
    }
}
