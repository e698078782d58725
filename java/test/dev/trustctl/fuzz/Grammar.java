package dev.trustctl.fuzz;

import dev.trustctl.fuzz.Script.Ending;
import dev.trustctl.fuzz.Script.Reader;
import dev.trustctl.proto.FrameCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a {@link Script} from a seed: frame sizes around the edges that matter (0, 1, small, about 4 KiB,
 * 65 535, 65 536), cut into up to 16 writes with pauses of up to 20 ms, read in lockstep, pipelined, slowly or
 * never, and ended by a half-close, a FIN or an RST mid-header or mid-payload, an oversize header or silence.
 * One session in eight is raw text. Pauses, and a slow reader's 256 KiB, stay far inside the fuzz server's
 * one-second deadlines.
 */
final class Grammar {
    private static final int[] EDGE_SIZES = {0, 1, 65535, 65536};
    private static final long SLOW_READER_BYTES = 256 * 1024;

    private Grammar() {
    }

    static Script draw(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean raw = r.nextInt(8) == 0;
        Reader reader = pick(r, Reader.values(), new int[] {40, 35, 15, 3});
        if (raw && reader == Reader.NEVER) {
            reader = Reader.PIPELINED; // a raw echo is as big as what was sent: nothing to fill the buffers with
        }
        int count = reader == Reader.NEVER ? 1 + r.nextInt(4) : r.nextInt(r.nextInt(4) == 0 ? 40 : 8);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sizes.add(raw ? 1 + r.nextInt(r.nextBoolean() ? 16 : 4096) : frameSize(r, reader));
        }
        // A slow reader must finish reading within the idle deadline that starts once the server's last echo is in
        // the kernel's buffers: at 4 KiB a millisecond or two, 256 KiB take a fifth of the one-second deadline.
        while (reader == Reader.SLOW && sizes.stream().mapToLong(n -> n + 4L).sum() > SLOW_READER_BYTES) {
            sizes.remove(sizes.size() - 1);
        }
        Ending ending = raw ? pick(r, new Ending[] {Ending.HALF_CLOSE, Ending.RST_MID_PAYLOAD, Ending.IDLE},
                new int[] {80, 15, 5})
                : pick(r, Ending.values(), new int[] {50, 8, 8, 8, 8, 12, 6});
        long tail = r.nextLong();
        if (ending == Ending.OVERSIZE) {
            tail = 65537 + (tail & 0x7fffffffL) % (0xffffffffL - 65537); // any length past the limit
            if (count == 0 && FrameCodec.startsText((byte) (tail >>> 24))) {
                tail = 65537 + (tail & 0xffffffL) % (0x1000000L - 65537); // text would go raw: a 0x00 first byte
            }
        }
        int cuts = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(15);
        int pause = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(20);
        return new Script(seed, raw, List.copyOf(sizes), cuts, pause, reader, ending, tail);
    }

    private static int frameSize(SplittableRandom r, Reader reader) {
        if (reader == Reader.NEVER) {
            return 65536; // what fills the socket buffers fastest
        }
        return switch (r.nextInt(5)) {
            case 0 -> EDGE_SIZES[r.nextInt(EDGE_SIZES.length)];
            case 1 -> 2 + r.nextInt(100);
            case 2 -> 4096 + r.nextInt(65) - 32;
            case 3 -> r.nextInt(65537);
            default -> r.nextInt(1000);
        };
    }

    private static <T> T pick(SplittableRandom r, T[] choices, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int at = r.nextInt(total);
        for (int i = 0; i < choices.length; i++) {
            at -= weights[i];
            if (at < 0) {
                return choices[i];
            }
        }
        throw new IllegalStateException("weights do not cover the choices");
    }
}
