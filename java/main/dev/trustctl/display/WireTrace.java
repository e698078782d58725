package dev.trustctl.display;

import dev.trustctl.proto.FrameCodec;
import dev.trustctl.wire.Connection;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * A client's {@code --trace}: every frame it sends or receives and every read and write call, as
 * {@link WireDump} lines on one stream (stderr, so stdout keeps the echoes). {@code >} marks what goes out,
 * {@code <} what comes in. Off unless asked for: a {@link Connection} without one does no tracing work at all.
 */
public final class WireTrace {
    private final PrintStream out;

    public WireTrace(PrintStream out) {
        this.out = out;
    }

    /** The frame about to be written: header and payload, from position 0 of {@code frame}. */
    public void sending(ByteBuffer frame, int number) {
        out.println("> frame " + number + ": " + WireDump.header(frame, 0));
        dump('>', frame, frame.limit() - FrameCodec.HEADER_BYTES);
    }

    /** The header of the reply, read whole at position 0 of {@code reply}. */
    public void receivedHeader(ByteBuffer reply, int number) {
        out.println("< echo " + number + ": " + WireDump.header(reply, 0));
    }

    /** The payload of the reply, read whole after its header. */
    public void receivedPayload(ByteBuffer reply) {
        dump('<', reply, reply.limit() - FrameCodec.HEADER_BYTES);
    }

    public void read(int asked, int got) {
        out.println("<   " + WireDump.call("read", asked, got));
    }

    public void wrote(int offered, int put) {
        out.println(">   " + WireDump.call("write", offered, put));
    }

    public void failed(String call, int asked, IOException e) {
        out.println((call.equals("read") ? "<   " : ">   ") + WireDump.failedCall(call, asked, e));
    }

    private void dump(char direction, ByteBuffer frame, int length) {
        for (String line : WireDump.payload(frame, FrameCodec.HEADER_BYTES, length)) {
            out.println(direction + " " + line);
        }
    }
}
