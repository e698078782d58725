package dev.trustctl.server;

import dev.trustctl.display.ServerTrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trustctl.log.FloodVerdict;
import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An {@link Server} run in-process on 127.0.0.1 and an ephemeral port, plus the client-side helpers the
 * integration tests share. {@link #close()} closes every socket the test opened, then stops the server and
 * waits for {@code serve()} to return.
 */
final class ServerFixture implements AutoCloseable {
    /** How long any single client read may block before the test fails instead of hanging. */
    static final int READ_BOUND_MILLIS = 10_000;

    final Server server;
    private final Thread serving;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private volatile IOException serveFailed;

    private ServerFixture(Server server) {
        this.server = server;
        this.serving = new Thread(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                serveFailed = e;
            }
        }, "echo-server-under-test");
        serving.setDaemon(true);
        serving.start();
    }

    static ServerFixture start(Io io, Duration timeout, int maxClients) throws IOException {
        return start(io, timeout, maxClients, ServerSettings.defaultLoops());
    }

    static ServerFixture start(Io io, Duration timeout, int maxClients, int loops) throws IOException {
        return start(io, timeout, maxClients, loops, EchoHandler.protocol());
    }

    /** A server whose connections speak what {@code protocols} makes instead of the echo. */
    static ServerFixture start(Io io, Duration timeout, int maxClients, int loops, Protocol.Factory protocols)
            throws IOException {
        return start(io, timeout, maxClients, loops, protocols, null);
    }

    /** The same, traced on {@code trace} (null: not traced). */
    static ServerFixture start(Io io, Duration timeout, int maxClients, int loops, Protocol.Factory protocols,
            ServerTrace trace) throws IOException {
        return new ServerFixture(Server.bind(new ServerSettings("127.0.0.1", 0, timeout, maxClients, io, loops),
                protocols, trace, FloodVerdict.NONE));
    }

    /** An echo server that holds at most what {@code held} allows for its clients. */
    static ServerFixture start(Io io, Duration timeout, int maxClients, HeldBytes held) throws IOException {
        return new ServerFixture(Server.bind(new ServerSettings("127.0.0.1", 0, timeout, maxClients, io, 1),
                EchoHandler.protocol(), null, FloodVerdict.NONE, held));
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    /** A blocking client socket whose reads fail after {@link #READ_BOUND_MILLIS} rather than hang the run. */
    Socket connect() throws IOException {
        Socket s = new Socket();
        opened.add(s);
        s.setTcpNoDelay(true);
        s.connect(address(), READ_BOUND_MILLIS);
        s.setSoTimeout(READ_BOUND_MILLIS);
        return s;
    }

    /** Registers something else to close before the server stops (a channel, an executor's socket...). */
    <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Override
    public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already reset or closed: what matters is that it is released
            }
        }
        server.stop();
        try {
            serving.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(serving.isAlive()).as("serve() returned after stop()").isFalse();
        assertThat(serveFailed).as("serve() failed").isNull();
    }

    /**
     * Waits (at most {@code bound}) for serve() to return on its own, as after a fatal error, and gives what it
     * threw; the failure is then taken, so {@link #close()} does not count it again. Null if it did not end.
     */
    IOException serveEnded(Duration bound) throws InterruptedException {
        serving.join(bound.toMillis());
        IOException failure = serveFailed;
        serveFailed = null;
        return failure;
    }

    /** Stops the server, waits for serve() to return, and gives the frames it counted as replied. */
    long stopAndCountFrames() throws InterruptedException {
        server.stop();
        serving.join(15_000);
        assertThat(serving.isAlive()).as("serve() returned after stop()").isFalse();
        return framesIn(server.summary());
    }

    /** The frames a stopped server counted as replied, read from its summary ({@code 1 connection, 8 frames, ...}). */
    static long framesIn(String summary) {
        Matcher m = Pattern.compile(", (\\d+) frames?, ").matcher(summary);
        assertThat(m.find()).as("frames in the summary: " + summary).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** How many clients the server is serving right now: its client limit less the slots free. */
    int activeClients() {
        return server.settings.maxClients() - server.admission.slots.availablePermits();
    }

    // ---- client-side helpers ----

    /** Daemon threads for clients that must run beside the test's own (a writer that blocks, say). */
    static ExecutorService clientThreads(String name) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops those threads and checks they are gone. */
    static void stopClientThreads(ExecutorService threads) throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).as("client threads ended").isTrue();
    }

    static byte[] frame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload);
        return b.array();
    }

    static byte[] header(long length) {
        return ByteBuffer.allocate(4).putInt((int) length).array();
    }

    static byte[] payload(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed * 7 + (i >> 8));
        }
        return bytes;
    }

    static byte[] readExactly(Socket s, int n) throws IOException {
        byte[] got = s.getInputStream().readNBytes(n);
        assertThat(got.length).as("bytes before end of stream").isEqualTo(n);
        return got;
    }

    /** Sends one frame and checks that exactly the same frame comes back. */
    static void echo(Socket s, byte[] payload) throws IOException {
        byte[] frame = frame(payload);
        s.getOutputStream().write(frame);
        assertThat(readExactly(s, frame.length)).isEqualTo(frame);
    }

    /**
     * The server closed this connection without sending a byte: the read sees end of stream (FIN), or a reset
     * when the server closed with our bytes still unread. A read that blocks past the bound fails the test.
     */
    static void assertClosedWithNothingSent(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            int b = in.read();
            assertThat(b).as("the server sent a byte instead of closing").isEqualTo(-1);
        } catch (SocketException e) {
            assertThat(e.getMessage()).as(e.toString()).containsIgnoringCase("connection reset");
        }
    }

    /** Waits for a condition, checking every 10 ms, and fails naming it if it does not hold within the bound. */
    static void waitUntil(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + bound.toMillis() + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /**
     * Bytes the kernel holds for the server's end of the connection from {@code clientPort} that the server has
     * not read yet (rx_queue in /proc/net/tcp); -1 while no such socket is listed. The server binds 127.0.0.1
     * with an IPv4 socket, so its accepted sockets are in /proc/net/tcp, not tcp6.
     */
    long unreadByServer(int clientPort) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 4 && f[1].endsWith(String.format(":%04X", server.port()))
                        && f[2].endsWith(String.format(":%04X", clientPort))) {
                    return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                }
            }
            return -1;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/net/tcp", e);
        }
    }

    /** How many file descriptors this process has open now. */
    static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
    }
}
