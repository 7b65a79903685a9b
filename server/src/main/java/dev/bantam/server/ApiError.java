package dev.bantam.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses, as OpenAI reports it: an HTTP status and
 * {@code {"error": {"message", "type", "param", "code"}}}, {@code param} naming the field at fault.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 for a field that is missing, of the wrong type or out of range. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "invalid_value", message);
    }

    public int status() { return status; }

    public String param() { return param; }

    public ObjectNode body(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        if (param == null) e.putNull("param"); else e.put("param", param);
        if (code == null) e.putNull("code"); else e.put("code", code);
        return root;
    }
}
