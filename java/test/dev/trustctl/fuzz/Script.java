package dev.trustctl.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One fuzz session, drawn by {@link Grammar}: the messages a client sends (frames, or raw text chunks when
 * {@code raw}), how it cuts them into writes and pauses, how it reads, and how it ends. Every byte it sends is a
 * function of this record alone, so a printed script can be replayed and shrunk.
 */
record Script(long seed, boolean raw, List<Integer> sizes, int cuts, int maxPauseMillis, Reader reader,
        Ending ending, long tail) {

    /** How the client reads its echoes. */
    enum Reader {
        /** Sends a message, reads its echo, sends the next. */
        LOCKSTEP,
        /** A writer thread sends everything while the client reads beside it. */
        PIPELINED,
        /** Pipelined, but the client reads in small pieces with pauses (within the server's deadline). */
        SLOW,
        /** Sends frames until the socket takes no more and never reads: the server's write deadline must act. */
        NEVER
    }

    /** What the client does after its messages. */
    enum Ending {
        /** shutdownOutput at a message boundary (beside a pipelined reader, before its echoes are in). */
        HALF_CLOSE,
        /** Part of a header, then a FIN. */
        FIN_MID_HEADER,
        /** A header and part of its payload, then a FIN. */
        FIN_MID_PAYLOAD,
        /** Part of a header, then an RST (SO_LINGER 0 close). */
        RST_MID_HEADER,
        /** A header and part of its payload, then an RST. */
        RST_MID_PAYLOAD,
        /** A header announcing more than the limit. */
        OVERSIZE,
        /** Nothing: the server's idle deadline must close the connection. */
        IDLE
    }

    /** Message {@code i} as it goes on the wire: a whole frame, or a raw chunk whose first byte is printable. */
    byte[] message(int i) {
        SplittableRandom random = new SplittableRandom(seed * 31 + i);
        byte[] payload = new byte[sizes.get(i)];
        random.nextBytes(payload);
        if (raw) {
            if (i == 0 && payload.length > 0) {
                payload[0] = (byte) (0x21 + random.nextInt(0x7e - 0x21)); // printable: the server goes raw
            }
            return payload;
        }
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    /** Every message, back to back: what a faithful server echoes. */
    byte[] messages() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < sizes.size(); i++) {
            all.writeBytes(message(i));
        }
        return all.toByteArray();
    }

    /**
     * The bytes of the ending after the messages: part of a header or of a frame ({@code tail} picks the cut),
     * an oversize header ({@code tail} is its length), or nothing.
     */
    byte[] tailBytes() {
        switch (ending) {
            case FIN_MID_HEADER, RST_MID_HEADER -> {
                byte[] header = ByteBuffer.allocate(4).putInt((int) Math.floorMod(tail >> 8, 65537L)).array();
                return Arrays.copyOf(header, 1 + (int) Math.floorMod(tail, 3L));
            }
            case FIN_MID_PAYLOAD, RST_MID_PAYLOAD -> {
                int length = 1 + (int) Math.floorMod(tail >> 8, 65536L);
                int got = (int) Math.floorMod(tail, (long) length);
                return ByteBuffer.allocate(4 + got).putInt(length).array();
            }
            case OVERSIZE -> {
                return ByteBuffer.allocate(4).putInt((int) tail).array();
            }
            default -> {
                return new byte[0];
            }
        }
    }

    @Override
    public String toString() {
        String messages = sizes.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
        return "seed=" + seed + " " + (raw ? "raw" : "frames") + "=" + messages + " cuts<=" + cuts + " pause<="
                + maxPauseMillis + "ms reader=" + reader + " ending=" + ending
                + (ending == Ending.OVERSIZE ? " length=" + Long.toUnsignedString(tail & 0xffffffffL) : "")
                + (tailBytes().length > 0 && ending != Ending.OVERSIZE ? " tail=" + tailBytes().length + "B" : "");
    }
}
