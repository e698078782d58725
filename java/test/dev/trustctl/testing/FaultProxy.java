package dev.trustctl.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 that stands between a client and a server and mistreats the bytes in one
 * {@link Mode}: every write cut into 1-byte segments, segments held back and coalesced, or the connection reset
 * after a set number of client bytes (mid-frame, when the count says so). A half-close is passed on as one; two
 * threads per connection, closed with the proxy.
 */
public final class FaultProxy implements AutoCloseable {
    /** What the proxy does to the bytes it forwards, both ways. */
    public enum Mode {
        /** Every byte its own write (TCP_NODELAY both sides): the peer sees a segment per byte. */
        ONE_BYTE,
        /** Waits a few milliseconds after each read and forwards all that came meanwhile as one write. */
        COALESCE,
        /** Forwards {@code resetAfter} bytes from the client, then resets both connections (SO_LINGER 0). */
        RESET
    }

    private static final int COALESCE_MILLIS = 3;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Mode mode;
    private final int resetAfter;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();

    private FaultProxy(ServerSocket listener, InetSocketAddress target, Mode mode, int resetAfter) {
        this.listener = listener;
        this.target = target;
        this.mode = mode;
        this.resetAfter = resetAfter;
    }

    /** Starts a proxy to {@code target}; {@code resetAfter} only matters in {@link Mode#RESET}. */
    public static FaultProxy start(InetSocketAddress target, Mode mode, int resetAfter) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultProxy proxy = new FaultProxy(listener, target, mode, resetAfter);
        proxy.spawn("fault-proxy-accept", proxy::acceptLoop);
        return proxy;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    /** Connections reset on purpose so far. */
    public int resets() {
        return resets.get();
    }

    /** Writes the proxy made towards either side (how finely it cut the stream). */
    public int writes() {
        return forwarded.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                sockets.add(client);
                sockets.add(server);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target, 10_000);
                AtomicInteger open = new AtomicInteger(2); // directions still flowing; the last one out closes both
                spawn("fault-proxy-up", () -> pumpThenClose(client, server, true, open));
                spawn("fault-proxy-down", () -> pumpThenClose(server, client, false, open));
            } catch (IOException e) {
                return; // the listener was closed, or the server is gone: nothing more to proxy
            }
        }
    }

    private void pumpThenClose(Socket from, Socket to, boolean upstream, AtomicInteger open) {
        pump(from, to, upstream);
        if (open.decrementAndGet() == 0) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        byte[] buf = new byte[65536];
        long passed = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (mode == Mode.COALESCE) {
                    Thread.sleep(COALESCE_MILLIS); // the fault itself: hold the bytes back so that more join them
                    n += in.read(buf, n, Math.min(in.available(), buf.length - n));
                }
                if (mode == Mode.RESET && upstream && passed + n >= resetAfter) {
                    out.write(buf, 0, (int) (resetAfter - passed));
                    out.flush();
                    reset(from, to);
                    return;
                }
                write(out, buf, n);
                passed += n;
            }
            to.shutdownOutput(); // pass the half-close on
        } catch (IOException | InterruptedException e) {
            closeQuietly(to); // one side failed: the other learns it the same way a peer would
        }
    }

    private void write(OutputStream out, byte[] buf, int n) throws IOException {
        if (mode == Mode.ONE_BYTE) {
            for (int i = 0; i < n; i++) {
                forwarded.incrementAndGet(); // before the write: a reader that has the byte finds it counted
                out.write(buf[i]);
                out.flush();
            }
        } else {
            forwarded.incrementAndGet();
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private void reset(Socket a, Socket b) throws IOException {
        resets.incrementAndGet();
        // SO_LINGER 0 on both before either closes: closing b wakes the other pump, which closes a at once, and
        // a's close must be an RST too, not the FIN it would be without the option (the race a test once lost).
        for (Socket s : List.of(a, b)) {
            s.setSoLinger(true, 0);
        }
        for (Socket s : List.of(b, a)) {
            s.close();
        }
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all that is left to do with it
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        sockets.forEach(FaultProxy::closeQuietly);
        try {
            for (Thread t : threads) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all that is left to do with it
        }
    }
}
