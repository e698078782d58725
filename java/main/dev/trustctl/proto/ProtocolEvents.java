package dev.trustctl.proto;

/**
 * What a connection's {@link Protocol} reports about one connection, in order: opened, bytes received, the mode, each
 * reply sent, an error, the close. The server's implementation logs and counts them
 * ({@link dev.trustctl.server.ConnectionEvents}); a test can record them.
 */
public interface ProtocolEvents {
    void opened();

    /** Bytes as they arrive from the peer, whole messages or not. */
    void received(int bytes);

    /** The first byte made this connection a raw byte stream. */
    void becameRaw();

    /**
     * One request was answered and its replies went out whole: logged as {@code event} (the protocol names it),
     * with the request's size and its replies' ({@code 0}: none), both without framing. A {@code numbered} one is
     * a message (counted in {@code frames}, its own {@code request_id}); a raw chunk is not.
     */
    void replied(String event, boolean numbered, int requestBytes, int replyBytes);

    /** Whole replies of {@code bytes} on the wire (framing included) went out. */
    void sent(int bytes);

    /** Logs {@code error} through the error map and returns the reason the close will give. */
    String failed(Throwable error);

    /** The last event of a connection, once its socket is closed. */
    void closed(String reason);

    /** Whether every read and write should be reported through {@link #traced} (asked once, at the start). */
    default boolean traces() {
        return false;
    }

    /** A read or write call moved {@code bytes}; {@code where} says where the protocol now stands. */
    default void traced(String call, int bytes, String where) {
    }
}
