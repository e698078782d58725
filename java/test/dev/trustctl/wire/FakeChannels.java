package dev.trustctl.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory channels that misbehave the way a slow or stuck peer does, for {@link ConnectionTest}. */
final class FakeChannels {
    private FakeChannels() {
    }

    /**
     * Delivers {@code input} one byte per read, then either end of stream or, if {@code stallAtEnd}, blocks until
     * closed; takes one byte per write, or blocks until closed if {@code stallWrites}. A read or write on a closed
     * channel fails as a real one does; one blocked when another thread closes it gets AsynchronousCloseException.
     */
    static final class Fake implements ByteChannel {
        private final ByteBuffer input;
        private final boolean stallAtEnd;
        private final boolean stallWrites;
        private final long pauseMillis;
        private final CountDownLatch closed = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        /** Counts down when a read or write starts blocking, so a test can act on a call that is surely stuck. */
        final CountDownLatch blocked = new CountDownLatch(1);

        private Fake(byte[] input, boolean stallAtEnd, boolean stallWrites, long pauseMillis) {
            this.input = ByteBuffer.wrap(input);
            this.stallAtEnd = stallAtEnd;
            this.stallWrites = stallWrites;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            reads.incrementAndGet();
            if (pauseMillis > 0) {
                pace();
            }
            if (!input.hasRemaining()) {
                if (!stallAtEnd) {
                    return -1;
                }
                stall();
            }
            if (!dst.hasRemaining()) {
                return 0;
            }
            dst.put(input.get());
            return 1;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            writes.incrementAndGet();
            if (stallWrites) {
                stall();
            }
            if (!src.hasRemaining()) {
                return 0;
            }
            written.write(src.get());
            return 1;
        }

        /** A slow sender: waits {@code pauseMillis} before each byte, unless closed meanwhile. */
        private void pace() throws IOException {
            try {
                if (closed.await(pauseMillis, TimeUnit.MILLISECONDS)) {
                    throw new AsynchronousCloseException();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }

        private void stall() throws IOException {
            blocked.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
            throw new AsynchronousCloseException();
        }

        @Override
        public boolean isOpen() {
            return closed.getCount() > 0;
        }

        @Override
        public void close() {
            closed.countDown();
        }

        byte[] written() {
            return written.toByteArray();
        }
    }

    /** One byte per read and per write; end of stream after {@code input}. */
    static Fake oneByte(byte[] input) {
        return new Fake(input, false, false, 0);
    }

    /** One byte per read of {@code input}, then a peer that sends nothing more and never closes. */
    static Fake stallAfter(byte[] input) {
        return new Fake(input, true, false, 0);
    }

    /** A peer that never takes a byte of what is written to it. */
    static Fake neverReads() {
        return new Fake(new byte[0], true, true, 0);
    }

    /** A peer that sends {@code input} one byte every {@code pauseMillis}, then waits. */
    static Fake trickle(byte[] input, long pauseMillis) {
        return new Fake(input, true, false, pauseMillis);
    }
}
