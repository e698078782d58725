package dev.trustctl.load;

import java.util.Arrays;

/** Round-trip times in nanoseconds, kept whole so percentiles are exact (nearest rank). One per thread. */
final class Latencies {
    private long[] samples = new long[1024];
    private int count;

    void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    static long[] sortedUnion(Iterable<Latencies> parts) {
        int total = 0;
        for (Latencies p : parts) {
            total += p.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (Latencies p : parts) {
            System.arraycopy(p.samples, 0, all, at, p.count);
            at += p.count;
        }
        Arrays.sort(all);
        return all;
    }

    /** The nearest-rank percentile {@code p} (0..100) of sorted samples; 0 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
