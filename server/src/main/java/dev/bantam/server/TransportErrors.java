package dev.bantam.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * The errors Helidon answers before a request reaches a route (a body over the size limit, a
 * malformed request line or header) in OpenAI's {@code {"error": {...}}} shape, as every other
 * error of the server, instead of Helidon's plain text.
 */
final class TransportErrors implements DirectHandler {
    private final ObjectMapper json;
    private final long maxBodyBytes;

    TransportErrors(ObjectMapper json, long maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** This handler for every kind of event Helidon answers itself. */
    static DirectHandlers all(ObjectMapper json, long maxBodyBytes) {
        TransportErrors handler = new TransportErrors(json, maxBodyBytes);
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType t : EventType.values()) b.addHandler(t, handler);
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        // Helidon reports an oversized body as a BAD_REQUEST event with status 413: the status decides
        String detail = message == null || message.isBlank() ? "" : ": " + message;
        ApiError e;
        if (status.code() == 413) {
            e = new ApiError(413, "invalid_request_error", null, "request_too_large",
                    "the request body is larger than the server's limit of " + maxBodyBytes + " bytes");
        } else if (status.code() < 500) {
            e = new ApiError(status.code(), "invalid_request_error", null, null, "bad HTTP request" + detail);
        } else {
            e = new ApiError(status.code(), "server_error", null, null, "the request could not be handled" + detail);
        }
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        byte[] body;
        try {
            body = json.writeValueAsBytes(e.body(json));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        return TransportResponse.builder().status(status).headers(headers).entity(body).build();
    }
}
