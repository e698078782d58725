package dev.trustctl.fuzz;

import dev.trustctl.fuzz.Script.Ending;
import dev.trustctl.fuzz.Script.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Makes a failing script smaller while it still fails: lockstep reading, whole writes, no pauses, a plain
 * half-close, fewer and smaller messages, one change at a time, keeping each that still fails. Bounded in tries,
 * since each try is a real session.
 */
final class Shrinker {
    private Shrinker() {
    }

    static Script shrink(Script failing, Predicate<Script> fails, int maxTries) {
        Script best = failing;
        int tries = 0;
        boolean smaller = true;
        while (smaller && tries < maxTries) {
            smaller = false;
            for (Script candidate : candidates(best)) {
                if (tries++ >= maxTries) {
                    break;
                }
                if (fails.test(candidate)) {
                    best = candidate;
                    smaller = true;
                    break;
                }
            }
        }
        return best;
    }

    /** Every one-step simplification of {@code s}, the boldest first. */
    static List<Script> candidates(Script s) {
        List<Script> out = new ArrayList<>();
        if (s.reader() != Reader.LOCKSTEP && s.reader() != Reader.NEVER) {
            out.add(with(s, s.sizes(), s.cuts(), s.maxPauseMillis(), Reader.LOCKSTEP, s.ending()));
        }
        if (s.cuts() != 0) {
            out.add(with(s, s.sizes(), 0, s.maxPauseMillis(), s.reader(), s.ending()));
        }
        if (s.maxPauseMillis() != 0) {
            out.add(with(s, s.sizes(), s.cuts(), 0, s.reader(), s.ending()));
        }
        if (s.ending() != Ending.HALF_CLOSE) {
            out.add(with(s, s.sizes(), s.cuts(), s.maxPauseMillis(), s.reader(), Ending.HALF_CLOSE));
        }
        int keep = s.reader() == Reader.NEVER ? 1 : 0; // a non-reader needs a frame to push
        if (s.sizes().size() > keep + 1) {
            out.add(with(s, s.sizes().subList(0, s.sizes().size() / 2), s.cuts(), s.maxPauseMillis(), s.reader(),
                    s.ending()));
        }
        for (int i = s.sizes().size() - 1; i >= 0 && s.sizes().size() > keep; i--) {
            List<Integer> fewer = new ArrayList<>(s.sizes());
            fewer.remove(i);
            out.add(with(s, fewer, s.cuts(), s.maxPauseMillis(), s.reader(), s.ending()));
        }
        for (int i = 0; i < s.sizes().size(); i++) {
            if (s.sizes().get(i) > 1 && s.reader() != Reader.NEVER) {
                List<Integer> halved = new ArrayList<>(s.sizes());
                halved.set(i, s.sizes().get(i) / 2);
                out.add(with(s, halved, s.cuts(), s.maxPauseMillis(), s.reader(), s.ending()));
            }
        }
        return out;
    }

    private static Script with(Script s, List<Integer> sizes, int cuts, int pause, Reader reader, Ending ending) {
        return new Script(s.seed(), s.raw(), List.copyOf(sizes), cuts, pause, reader, ending, s.tail());
    }
}
