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
    /** The deepest nesting of objects and arrays accepted; a session needs 4. */
    static final int MAX_DEPTH = 32;

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Reads a request body that must be one JSON object of at most {@link #MAX_BODY} bytes.
     *
     * @param body request body
     * @return the object
     * @throws ApiError 413 when too large, 400 when nested too deep, empty, malformed or not an object
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
        checkDepth(bytes);
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
     * Refuses a body whose objects and arrays nest deeper than {@link #MAX_DEPTH}, before any parser recurses
     * into it. Brackets inside strings do not count; the parser judges the rest of the syntax.
     */
    private static void checkDepth(byte[] json) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                if (++depth > MAX_DEPTH) {
                    throw ApiError.badField(null, "JSON nested deeper than " + MAX_DEPTH + " levels");
                }
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
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
