package dev.trustctl.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.fuzz.Model.Outcome;
import dev.trustctl.fuzz.Script.Ending;
import dev.trustctl.fuzz.Script.Reader;
import dev.trustctl.fuzz.Session.Observed;
import dev.trustctl.proto.FrameCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer's own parts, on hand-written scripts: what the model predicts for each ending, what the verdict
 * calls a mismatch, that the grammar keeps its promises, and that the shrinker finds the smallest failing script.
 */
class ModelTest {
    private static Script script(boolean raw, List<Integer> sizes, Reader reader, Ending ending, long tail) {
        return new Script(42, raw, sizes, 0, 0, reader, ending, tail);
    }

    @Test
    void twoFramesAndAHalfCloseAreEchoedExactlyThenClosedAsPeerClosed() {
        Script s = script(false, List.of(3, 0), Reader.LOCKSTEP, Ending.HALF_CLOSE, 0);
        Outcome o = Model.predict(s);
        byte[] first = s.message(0);
        assertThat(Arrays.copyOf(first, 4)).containsExactly(0, 0, 0, 3);
        assertThat(o.echo()).hasSize(4 + 3 + 4).startsWith(first).endsWith(0, 0, 0, 0);
        assertThat(o.reason()).isEqualTo("peer_closed");
        assertThat(o.errorEvent()).isNull();
        assertThat(o.clientSeesEof()).isTrue();
        assertThat(o.bytesIn()).isEqualTo(11);
        assertThat(o.bytesOut()).isEqualTo(11);
    }

    @Test
    void aFinMidHeaderIsATruncationWithThePartialHeaderCountedIn() {
        Script s = script(false, List.of(10), Reader.PIPELINED, Ending.FIN_MID_HEADER, 0x0100); // 1 + 256 % 3 bytes
        assertThat(s.tailBytes()).hasSize(2);
        Outcome o = Model.predict(s);
        assertThat(o.reason()).isEqualTo("truncated_frame");
        assertThat(o.errorEvent()).isEqualTo("frame_truncated");
        assertThat(o.bytesIn()).isEqualTo(14 + 2);
        assertThat(o.bytesOut()).isEqualTo(14);
    }

    @Test
    void aFinMidPayloadSendsAHeaderAndLessThanItAnnounces() {
        long cut = (99L << 8) | 63; // announces 1 + 99 bytes, cut after tail % 100 = 7 of them
        Script s = script(false, List.of(), Reader.LOCKSTEP, Ending.FIN_MID_PAYLOAD, cut);
        byte[] tail = s.tailBytes();
        assertThat(ByteBuffer.wrap(tail).getInt()).isEqualTo(100);
        assertThat(tail).hasSize(4 + 7);
        assertThat(Model.predict(s).reason()).isEqualTo("truncated_frame");
    }

    @Test
    void aResetLeavesTheBytesCountedInOpenButNotTheEchoes() {
        Outcome o = Model.predict(script(false, List.of(5), Reader.LOCKSTEP, Ending.RST_MID_PAYLOAD, 1));
        assertThat(o.reason()).isEqualTo("reset");
        assertThat(o.errorEvent()).isEqualTo("conn_error");
        assertThat(o.clientSeesEof()).isFalse();
        assertThat(o.bytesIn()).isEqualTo(Model.UNKNOWN);
        assertThat(o.bytesOut()).isEqualTo(9);
    }

    @Test
    void anOversizeHeaderIsRejectedAfterTheFramesBeforeItAreEchoed() {
        Outcome o = Model.predict(script(false, List.of(1), Reader.PIPELINED, Ending.OVERSIZE, 65537));
        assertThat(o.echo()).hasSize(5);
        assertThat(o.reason()).isEqualTo("frame_rejected");
        assertThat(o.errorEvent()).isEqualTo("frame_rejected");
        assertThat(o.bytesIn()).isEqualTo(9);
    }

    @Test
    void silenceAndANonReaderEndInTheServersTimeout() {
        assertThat(Model.predict(script(false, List.of(1), Reader.LOCKSTEP, Ending.IDLE, 0)).reason()).isEqualTo("timeout");
        Outcome never = Model.predict(script(false, List.of(65536), Reader.NEVER, Ending.HALF_CLOSE, 0));
        assertThat(never.reason()).isEqualTo("timeout");
        assertThat(never.errorEvent()).isEqualTo("conn_timeout");
        assertThat(never.echo()).as("a non-reader checks no bytes").isNull();
    }

    @Test
    void rawTextStartsWithAPrintableByteAndIsEchoedAsSent() {
        Script s = script(true, List.of(5, 3), Reader.LOCKSTEP, Ending.HALF_CLOSE, 0);
        assertThat(FrameCodec.startsText(s.message(0)[0])).isTrue();
        assertThat(Model.predict(s).echo()).hasSize(8).startsWith(s.message(0));
    }

    @Test
    void theVerdictNamesEveryDifference() {
        Script s = script(false, List.of(2), Reader.LOCKSTEP, Ending.HALF_CLOSE, 0);
        Outcome want = Model.predict(s);
        byte[] corrupted = want.echo().clone();
        corrupted[5] ^= 1;
        Observed got = new Observed(5000, corrupted, true, null, 6, 1);
        Map<String, Object> close = Map.of("event", "conn_close", "reason", "timeout", "bytes_in", 6, "bytes_out", 6);
        List<String> problems = Verdict.check(want, got, close, List.of(Map.of("event", "conn_timeout")));
        assertThat(problems).containsExactly("echo differs at byte 5 of 6: sent " + (want.echo()[5] & 0xff) + ", got "
                        + (corrupted[5] & 0xff), "conn_close reason is timeout, expected peer_closed",
                "error events [conn_timeout], expected []");
        assertThat(Verdict.check(want, new Observed(5000, want.echo(), true, null, 6, 1),
                Map.of("reason", "peer_closed", "bytes_in", 6, "bytes_out", 6), List.of())).isEmpty();
        assertThat(Verdict.check(want, new Observed(5000, want.echo(), true, null, 6, 1), null, List.of()))
                .containsExactly("no conn_close logged for peer 127.0.0.1:5000");
    }

    @Test
    void theGrammarIsAFunctionOfItsSeedAndKeepsItsBounds() {
        for (long seed = 0; seed < 2000; seed++) {
            Script s = Grammar.draw(seed);
            assertThat(Grammar.draw(seed)).isEqualTo(s);
            assertThat(s.sizes()).allMatch(n -> n >= 0 && n <= FrameCodec.MAX_PAYLOAD_BYTES);
            if (s.reader() == Reader.SLOW) {
                assertThat(s.messages().length).isLessThanOrEqualTo(256 * 1024);
            }
            if (s.ending() == Ending.OVERSIZE) {
                assertThat(Integer.toUnsignedLong(ByteBuffer.wrap(s.tailBytes()).getInt())).isGreaterThan(65536);
                if (s.sizes().isEmpty()) {
                    assertThat(FrameCodec.startsText(s.tailBytes()[0])).as(s.toString()).isFalse();
                }
            }
            if (s.raw()) {
                assertThat(s.reader()).isNotEqualTo(Reader.NEVER);
            }
        }
    }

    @Test
    void theShrinkerFindsTheSmallestScriptThatStillFails() {
        Script big = new Script(7, false, List.of(10, 65536, 3, 4096, 65536), 9, 15, Reader.SLOW, Ending.IDLE, 0);
        Script small = Shrinker.shrink(big, s -> s.sizes().contains(65536), 100);
        assertThat(small.sizes()).containsExactly(65536);
        assertThat(small.reader()).isEqualTo(Reader.LOCKSTEP);
        assertThat(small.ending()).isEqualTo(Ending.HALF_CLOSE);
        assertThat(small.cuts()).isZero();
        assertThat(small.maxPauseMillis()).isZero();
    }
}
