package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorException;
import org.onosproject.codec.CodecContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the fields of one JSON object strictly: fields it does not know, wrong types and values out of range
 * are refused with a 400 {@link ApiError} naming the field. A JSON null counts as an absent field.
 */
final class JsonFields {
    private final ObjectNode node;

    private JsonFields(ObjectNode node) {
        this.node = node;
    }

    /**
     * Checks that a node is an object holding only known fields.
     *
     * @param json  the node
     * @param known the fields the object may hold
     * @return reader of its fields
     * @throws ApiError when the node is not an object or holds an unknown field
     */
    static JsonFields of(JsonNode json, Set<String> known) {
        if (json == null || !json.isObject()) {
            throw ApiError.badField(null, "expected a JSON object");
        }
        Iterator<String> names = json.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiError.badField(name, "unknown field '" + name + "'");
            }
        }
        return new JsonFields((ObjectNode) json);
    }

    /**
     * Runs a step of decoding on behalf of one field: errors it raises are placed under that field.
     *
     * @param path the field's path
     * @param step the decoding step
     * @param <T>  result type
     * @return the step's result
     */
    static <T> T within(String path, Supplier<T> step) {
        try {
            return step.get();
        } catch (ApiError e) {
            throw e.under(path);
        } catch (MirrorException e) {
            throw ApiError.badField(e.field().orElse(null), e.getMessage()).under(path);
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(path, e.getMessage());
        }
    }

    /**
     * Decodes a nested object with the codec of its type.
     *
     * @param context codec context
     * @param type    the object's type
     * @param json    the object
     * @param path    its path, for errors
     * @param <T>     the object's type
     * @return decoded object
     */
    static <T> T decode(CodecContext context, Class<T> type, ObjectNode json, String path) {
        return within(path, () -> context.codec(type).decode(json, context));
    }

    /**
     * Returns a field's node.
     *
     * @param name field name
     * @return node, empty when absent or null
     */
    Optional<JsonNode> node(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    /**
     * Returns a field that must be an object.
     *
     * @param name field name
     * @return object, empty when absent
     */
    Optional<ObjectNode> object(String name) {
        return node(name).map(v -> {
            if (!v.isObject()) {
                throw ApiError.badField(name, "must be an object");
            }
            return (ObjectNode) v;
        });
    }

    /**
     * Returns an object field decoded with the codec of its type.
     *
     * @param name    field name
     * @param type    the object's type
     * @param context codec context
     * @param <T>     the object's type
     * @return decoded object, empty when absent
     */
    <T> Optional<T> decoded(String name, Class<T> type, CodecContext context) {
        return object(name).map(o -> decode(context, type, o, name));
    }

    /**
     * Returns the value of a field that must be there.
     *
     * @param value the field's value, if any
     * @param name  field name
     * @param <T>   value type
     * @return value
     */
    static <T> T required(Optional<T> value, String name) {
        return value.orElseThrow(() -> ApiError.badField(name, "is required"));
    }

    /**
     * Returns a string field.
     *
     * @param name field name
     * @return value, empty when absent
     */
    Optional<String> text(String name) {
        return node(name).map(v -> text(v, name));
    }

    /**
     * Returns a string field that must be there.
     *
     * @param name field name
     * @return value
     */
    String requiredText(String name) {
        return required(text(name), name);
    }

    /**
     * Returns a field naming a constant of an enum, in any case.
     *
     * @param name field name
     * @param type the enum
     * @param <E>  the enum
     * @return constant, empty when absent
     */
    <E extends Enum<E>> Optional<E> choice(String name, Class<E> type) {
        return text(name).map(t -> Arrays.stream(type.getEnumConstants())
                .filter(c -> c.name().equals(t.toUpperCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> ApiError.badField(name, "must be one of " + Arrays.stream(type.getEnumConstants())
                        .map(Enum::name).collect(Collectors.joining(", ")) + ", not '" + t + "'")));
    }

    /**
     * Returns an integer field within a range.
     *
     * @param name  field name
     * @param empty value when absent
     * @param min   lowest value allowed
     * @param max   highest value allowed
     * @return value
     */
    int integer(String name, int empty, int min, int max) {
        return node(name).map(v -> integer(v, name, min, max)).orElse(empty);
    }

    /**
     * Returns a non-negative 64-bit integer field.
     *
     * @param name field name
     * @return value, 0 when absent
     */
    long count(String name) {
        return node(name).map(v -> {
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw ApiError.badField(name, "must be an integer >= 0");
            }
            return v.longValue();
        }).orElse(0L);
    }

    /**
     * Returns a boolean field.
     *
     * @param name field name
     * @return value, false when absent
     */
    boolean bool(String name) {
        return node(name).map(v -> {
            if (!v.isBoolean()) {
                throw ApiError.badField(name, "must be true or false");
            }
            return v.booleanValue();
        }).orElse(false);
    }

    /**
     * Returns an array field, each element read by a function that knows its own index.
     *
     * @param name field name
     * @param read reads one element
     * @param <T>  element type
     * @return elements, empty when absent
     */
    <T> List<T> list(String name, Function<Element, T> read) {
        List<T> items = new ArrayList<>();
        node(name).ifPresent(v -> {
            if (!v.isArray()) {
                throw ApiError.badField(name, "must be an array");
            }
            for (int i = 0; i < v.size(); i++) {
                items.add(read.apply(new Element(v.get(i), name + "[" + i + "]")));
            }
        });
        return items;
    }

    private static String text(JsonNode v, String name) {
        if (!v.isTextual()) {
            throw ApiError.badField(name, "must be a string");
        }
        return v.textValue();
    }

    private static int integer(JsonNode v, String name, int min, int max) {
        if (!v.isIntegralNumber()) {
            throw ApiError.badField(name, "must be an integer");
        }
        if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw ApiError.badField(name, "must be " + min + ".." + max + ", not " + v.asText());
        }
        return v.intValue();
    }

    /**
     * One element of an array field, with its path for errors.
     */
    static final class Element {
        private final JsonNode value;
        private final String path;

        private Element(JsonNode value, String path) {
            this.value = value;
            this.path = path;
        }

        /**
         * Returns the element's path, e.g. "sources[1]".
         *
         * @return path
         */
        String path() {
            return path;
        }

        /**
         * Returns the element as a string.
         *
         * @return string
         */
        String text() {
            return JsonFields.text(value, path);
        }

        /**
         * Returns the element as an integer within a range.
         *
         * @param min lowest value allowed
         * @param max highest value allowed
         * @return value
         */
        int integer(int min, int max) {
            return JsonFields.integer(value, path, min, max);
        }

        /**
         * Returns the element as an object.
         *
         * @return object
         */
        ObjectNode object() {
            if (!value.isObject()) {
                throw ApiError.badField(path, "must be an object");
            }
            return (ObjectNode) value;
        }
    }
}
