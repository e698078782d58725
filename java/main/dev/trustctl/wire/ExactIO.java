package dev.trustctl.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The quest's recv_exact and send_exact (CS:APP's {@code rio_readn} and {@code rio_writen}): a read or a write
 * call may move fewer bytes than asked, so each loops until all of them moved, or the peer is gone. On a blocking
 * channel; {@link Connection} is one whose every wait has a deadline.
 */
public final class ExactIO {
    private ExactIO() {
    }

    /**
     * recv_exact: reads until {@code dst} is full, however few bytes each call brings. Returns how many came: all
     * of them, or fewer only when the peer closed first, -1 if it closed before the first.
     */
    public static int recvExact(ReadableByteChannel in, ByteBuffer dst) throws IOException {
        int got = 0;
        while (dst.hasRemaining()) {
            int n = in.read(dst);
            if (n < 0) { // the end of the stream: C's recv returns 0 here, Java's read returns -1
                return got == 0 ? -1 : got;
            }
            got += n;
        }
        return got;
    }

    /**
     * send_exact: writes every remaining byte of {@code src}, however few each call takes. No SIGPIPE to suppress
     * (C's MSG_NOSIGNAL): the JVM installs its own do-nothing handler for it, so a write to a peer that has gone
     * fails here with an IOException (EPIPE, or ECONNRESET) for this connection only.
     */
    public static void sendExact(WritableByteChannel out, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            out.write(src);
        }
    }
}
