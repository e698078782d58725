package dev.trustctl.fuzz;

import dev.trustctl.fuzz.Script.Ending;
import dev.trustctl.fuzz.Script.Reader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays one {@link Script} against a server as a real TCP client and records what came back. It predicts
 * nothing ({@link Model} does): it reads as many bytes as it sent messages, then whether the stream ends.
 * Every blocking call is bounded by {@link #BOUND_MILLIS}, so a server that neither answers nor closes fails
 * the session instead of hanging the run.
 */
final class Session {
    static final int BOUND_MILLIS = 10_000;
    /** A non-reader stops pushing after this much even if the socket still takes it. */
    private static final long NEVER_READER_MAX_BYTES = 256L << 20;

    /** What the client saw. {@code echo} is null for a non-reader; {@code failure} says what went wrong. */
    record Observed(int localPort, byte[] echo, boolean sawEof, String failure, long sent, int writes) {
        String peer() {
            return "127.0.0.1:" + localPort;
        }
    }

    private final Script script;
    private final SplittableRandom cuts;
    private long sent;
    private int writes;

    private Session(Script script) {
        this.script = script;
        this.cuts = new SplittableRandom(script.seed() ^ 0x5DEECE66DL);
    }

    static Observed run(Script script, InetSocketAddress server, ServerLog log) throws InterruptedException {
        Session session = new Session(script);
        return script.reader() == Reader.NEVER ? session.neverReading(server, log) : session.reading(server);
    }

    private Observed reading(InetSocketAddress server) throws InterruptedException {
        int port = 0;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(server, BOUND_MILLIS);
            socket.setSoTimeout(BOUND_MILLIS);
            port = socket.getLocalPort();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            boolean closesFirst = script.ending() == Ending.RST_MID_HEADER || script.ending() == Ending.RST_MID_PAYLOAD;
            if (script.reader() == Reader.LOCKSTEP) {
                for (int i = 0; i < script.sizes().size(); i++) {
                    byte[] message = script.message(i);
                    send(out, message);
                    if (!readInto(in, got, message.length, false)) {
                        break;
                    }
                }
                if (!closesFirst) {
                    sendTail(socket, out);
                }
            } else {
                String failed = pipelined(socket, in, out, got, closesFirst);
                if (failed != null) {
                    return new Observed(port, got.toByteArray(), false, failed, sent, writes);
                }
            }
            if (closesFirst) {
                send(out, script.tailBytes());
                socket.setSoLinger(true, 0); // close() now sends an RST, not a FIN
                return new Observed(port, got.toByteArray(), false, null, sent, writes);
            }
            int extra = drain(in, got);
            return new Observed(port, got.toByteArray(), true,
                    extra > 0 ? extra + " bytes more than were sent before the server closed" : null, sent, writes);
        } catch (SocketTimeoutException e) {
            return new Observed(port, got.toByteArray(), false,
                    "nothing came for " + BOUND_MILLIS + " ms: the server neither echoed nor closed", sent, writes);
        } catch (IOException e) {
            return new Observed(port, got.toByteArray(), false, "client I/O failed: " + e, sent, writes);
        }
    }

    /** A writer thread sends every message (and the tail, unless it is an RST's) while this thread reads. */
    private String pipelined(Socket socket, InputStream in, OutputStream out, ByteArrayOutputStream got,
            boolean closesFirst) throws IOException, InterruptedException {
        AtomicReference<String> writeFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < script.sizes().size(); i++) {
                    send(out, script.message(i));
                }
                if (!closesFirst) {
                    sendTail(socket, out);
                }
            } catch (IOException | InterruptedException e) {
                writeFailed.set("client write failed: " + e);
            }
        }, "fuzz-writer");
        writer.setDaemon(true);
        writer.start();
        try {
            readInto(in, got, script.messages().length, script.reader() == Reader.SLOW);
        } finally {
            writer.join(BOUND_MILLIS);
        }
        return writer.isAlive() ? "the writer was still blocked after " + BOUND_MILLIS + " ms" : writeFailed.get();
    }

    /** The ending's bytes after the messages, then a half-close where the ending is a FIN. */
    private void sendTail(Socket socket, OutputStream out) throws IOException, InterruptedException {
        send(out, script.tailBytes());
        Ending e = script.ending();
        if (e == Ending.HALF_CLOSE || e == Ending.FIN_MID_HEADER || e == Ending.FIN_MID_PAYLOAD) {
            socket.shutdownOutput();
        }
    }

    /** Writes {@code bytes} in up to {@code cuts + 1} pieces cut at random, with a random short pause between. */
    private void send(OutputStream out, byte[] bytes) throws IOException, InterruptedException {
        int pieces = Math.min(bytes.length, 1 + (script.cuts() == 0 ? 0 : cuts.nextInt(script.cuts() + 1)));
        int at = 0;
        for (int p = pieces; p > 0; p--) {
            int left = bytes.length - at;
            int n = p == 1 ? left : 1 + cuts.nextInt(left - (p - 1));
            out.write(bytes, at, n);
            out.flush();
            at += n;
            sent += n;
            writes++;
            if (p > 1 && script.maxPauseMillis() > 0) {
                Thread.sleep(cuts.nextInt(script.maxPauseMillis() + 1));
            }
        }
    }

    /** Reads {@code n} bytes (slowly: at most 4 KiB at a time, a millisecond or two apart); false at an early EOF. */
    private static boolean readInto(InputStream in, ByteArrayOutputStream got, int n, boolean slowly)
            throws IOException, InterruptedException {
        byte[] buf = new byte[slowly ? 4096 : 65536];
        int left = n;
        while (left > 0) {
            int r = in.read(buf, 0, Math.min(left, buf.length));
            if (r < 0) {
                return false;
            }
            got.write(buf, 0, r);
            left -= r;
            if (slowly) {
                Thread.sleep(1 + (left & 1));
            }
        }
        return true;
    }

    /** Reads to the end of the stream; returns how many bytes came that were never sent. */
    private static int drain(InputStream in, ByteArrayOutputStream got) throws IOException {
        int extra = 0;
        byte[] buf = new byte[4096];
        for (int r; (r = in.read(buf)) >= 0 && extra < 1 << 20; extra += r) {
            got.write(buf, 0, r);
        }
        return extra;
    }

    /**
     * Pushes its frames again and again without reading, until the server logs this connection's close (its
     * write deadline) or the socket fails; bounded in bytes and time.
     */
    private Observed neverReading(InetSocketAddress server, ServerLog log) throws InterruptedException {
        int port = 0;
        try (SocketChannel channel = SocketChannel.open()) {
            channel.socket().setReceiveBufferSize(4096); // before connect: no window autotuning on this side
            channel.connect(server);
            port = channel.socket().getLocalPort();
            String peer = "127.0.0.1:" + port;
            channel.configureBlocking(false);
            ByteBuffer frames = ByteBuffer.wrap(script.messages());
            long deadline = System.nanoTime() + BOUND_MILLIS * 1_000_000L;
            while (System.nanoTime() - deadline < 0 && log.peekClose(peer) == null) {
                if (!frames.hasRemaining()) {
                    frames.rewind();
                }
                int n = sent < NEVER_READER_MAX_BYTES ? channel.write(frames) : 0;
                sent += n;
                writes++;
                if (n == 0) {
                    Thread.sleep(5); // the socket takes nothing until the server's deadline ends it
                }
            }
            channel.socket().setSoLinger(true, 0);
            return new Observed(port, null, false, log.peekClose(peer) == null
                    ? "no conn_close within " + BOUND_MILLIS + " ms for a client that never reads" : null, sent, writes);
        } catch (IOException e) {
            return new Observed(port, null, false, null, sent, writes); // reset by the server's close: expected
        }
    }
}
