package dev.trustctl.client;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * One load run: {@code clients} sessions in all, at most {@code concurrency} at once (1: strictly one after
 * another), each sending {@code messages} frames of {@code payloadSize} bytes one at a time. With {@code hold}
 * every connection is opened first, then all of them send. {@code deadline} bounds the whole run;
 * {@code timeout} each connect, send and echo.
 */
public record LoadSettings(String host, int port, int clients, int messages, int concurrency, int payloadSize,
                           boolean hold, Duration deadline, Duration timeout) {
    public static final int DEFAULT_CLIENTS = 100;
    public static final int DEFAULT_MESSAGES = 10;
    public static final int DEFAULT_PAYLOAD = 32;
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** How many sessions run at once: all with --hold, else --concurrency but never more than --clients. */
    public int effectiveConcurrency() {
        return hold ? clients : Math.min(concurrency, clients);
    }

    /** The deadline as a person wrote it: {@code 60}, {@code 2.5}. */
    public String deadlineText() {
        return BigDecimal.valueOf(deadline.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    public long expected() {
        return (long) clients * messages;
    }
}
