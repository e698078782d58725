package dev.trustctl.fuzz;

import dev.trustctl.fuzz.Model.Outcome;
import dev.trustctl.fuzz.Session.Observed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what a session saw, and what the server logged for it, with what the {@link Model} predicts; each
 * difference is one line of plain English. An empty list is a pass.
 */
final class Verdict {
    /** The events that report a connection's failure: at most the predicted one may appear. */
    private static final Set<String> ERROR_EVENTS =
            Set.of("frame_truncated", "frame_rejected", "conn_timeout", "conn_error", "peer_closed");

    private Verdict() {
    }

    static List<String> check(Outcome want, Observed got, Map<String, Object> close, List<Map<String, Object>> events) {
        List<String> problems = new ArrayList<>();
        if (got.failure() != null) {
            problems.add(got.failure());
        }
        if (want.echo() != null) {
            compareEcho(want.echo(), got.echo(), problems);
        }
        if (want.clientSeesEof() && !got.sawEof() && got.failure() == null) {
            problems.add("the server did not close the connection after the last echo");
        }
        if (close == null) {
            problems.add("no conn_close logged for peer " + got.peer());
            return problems;
        }
        expect(problems, "conn_close reason", want.reason(), close.get("reason"));
        if (want.bytesIn() != Model.UNKNOWN) {
            expect(problems, "conn_close bytes_in", want.bytesIn(), number(close.get("bytes_in")));
        }
        if (want.bytesOut() != Model.UNKNOWN) {
            expect(problems, "conn_close bytes_out", want.bytesOut(), number(close.get("bytes_out")));
        }
        List<String> errors = events.stream().map(e -> String.valueOf(e.get("event")))
                .filter(ERROR_EVENTS::contains).toList();
        List<String> expected = want.errorEvent() == null ? List.of() : List.of(want.errorEvent());
        if (!errors.equals(expected)) {
            problems.add("error events " + errors + ", expected " + expected);
        }
        if ("reset".equals(want.reason())) {
            events.stream().filter(e -> "conn_error".equals(e.get("event"))).findFirst()
                    .ifPresent(e -> expect(problems, "conn_error errno", "ECONNRESET", e.get("errno")));
        }
        return problems;
    }

    private static void compareEcho(byte[] want, byte[] got, List<String> problems) {
        int common = Math.min(want.length, got.length);
        for (int i = 0; i < common; i++) {
            if (want[i] != got[i]) {
                problems.add("echo differs at byte " + i + " of " + want.length + ": sent " + (want[i] & 0xff)
                        + ", got " + (got[i] & 0xff));
                return;
            }
        }
        if (got.length != want.length) {
            problems.add("echo is " + got.length + " bytes, expected " + want.length);
        }
    }

    private static void expect(List<String> problems, String what, Object want, Object got) {
        if (!String.valueOf(want).equals(String.valueOf(got))) {
            problems.add(what + " is " + got + ", expected " + want);
        }
    }

    private static Object number(Object value) {
        return value instanceof Number n ? (Object) n.longValue() : value;
    }
}
