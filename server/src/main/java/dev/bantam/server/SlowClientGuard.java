package dev.bantam.server;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Against slowloris: a connection must bring each request (request line, headers and body) within
 * the read timeout, and may sit idle between requests for no longer than that; otherwise it is
 * closed. Helidon's own idle check cannot do this: it sees a connection only once its first bytes
 * have come, and interrupts only a connection waiting for a request line, not one whose headers or
 * body trickle in. So every connection is watched from its accept (through the listener's socket
 * options, which Helidon applies to each accepted channel) and, as an HTTP/1 listener, through its
 * requests: the clock runs while a request is being read and while the connection is idle, and
 * stops while a handler works on a request.
 */
final class SlowClientGuard implements Http1ConnectionListener, AutoCloseable {
    private static final long HANDLING = Long.MAX_VALUE;

    /** @param deadlineNanos when to close the connection (System.nanoTime), or {@link #HANDLING} */
    private record Watched(SocketChannel channel, long deadlineNanos) {}

    private final long timeoutNanos;
    /** Keyed by the client's address and port, which both Helidon's contexts and the channel know. */
    private final Map<SocketAddress, Watched> connections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("bantam-slow-client-guard").daemon(true).unstarted(r));

    SlowClientGuard(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        // a quarter of the timeout (a connection lives at most 1.25 timeouts), at most 1 s
        long period = Math.clamp(timeout.toMillis() / 4, 10, 1000);
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Helidon's default socket options with TCP_NODELAY, plus watching each accepted connection.
     * A stream writes one small chunk per token: under Nagle's algorithm every chunk after the
     * first waits for the client's (delayed) ACK, and a reply's tokens arrived in bursts tens of
     * milliseconds apart, the first one late.
     */
    SocketOptions socketOptions() {
        return new Accepting(SocketOptions.builder().tcpNoDelay(true).build());
    }

    private void accepted(SocketChannel channel) {
        try {
            connections.put(channel.getRemoteAddress(), new Watched(channel, deadline()));
        } catch (IOException closedAlready) {
            // nothing to watch
        }
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        restart(ctx.remotePeer().address(), deadline());
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        boolean body = headers.contains(HeaderNames.TRANSFER_ENCODING) || headers.contentLength().orElse(0) > 0;
        if (!body) restart(ctx.remotePeer().address(), HANDLING);
    }

    /** The handler has read the request's body: the clock stops while it works. */
    void read(ServerRequest req) {
        restart(req.remotePeer().address(), HANDLING);
    }

    /** The response has been sent: the connection may now be idle for one timeout. */
    void answered(ServerRequest req) {
        restart(req.remotePeer().address(), deadline());
    }

    private long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    private void restart(SocketAddress client, long deadlineNanos) {
        connections.computeIfPresent(client, (k, w) -> new Watched(w.channel(), deadlineNanos));
    }

    private void sweep() {
        long now = System.nanoTime();
        connections.forEach((client, w) -> {
            if (!w.channel().isOpen()) {
                connections.remove(client, w);
            } else if (w.deadlineNanos() != HANDLING && now - w.deadlineNanos() > 0 && connections.remove(client, w)) {
                try {
                    w.channel().close();
                } catch (IOException ignored) {
                    // closed either way
                }
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** Socket options that also hand each accepted channel to the guard. */
    private final class Accepting implements SocketOptions {
        private final SocketOptions defaults;

        Accepting(SocketOptions defaults) {
            this.defaults = defaults;
        }

        @Override
        public void configureSocket(SocketChannel socket) {
            defaults.configureSocket(socket);
            accepted(socket);
        }

        @Override
        public void configureSocket(Socket socket) { defaults.configureSocket(socket); }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() { return defaults.socketOptions(); }

        @Override
        public Duration connectTimeout() { return defaults.connectTimeout(); }

        @Override
        public Duration readTimeout() { return defaults.readTimeout(); }

        @Override
        public Optional<Integer> socketReceiveBufferSize() { return defaults.socketReceiveBufferSize(); }

        @Override
        public Optional<Integer> socketSendBufferSize() { return defaults.socketSendBufferSize(); }

        @Override
        public boolean socketReuseAddress() { return defaults.socketReuseAddress(); }

        @Override
        public boolean socketKeepAlive() { return defaults.socketKeepAlive(); }

        @Override
        public boolean tcpNoDelay() { return defaults.tcpNoDelay(); }
    }
}
