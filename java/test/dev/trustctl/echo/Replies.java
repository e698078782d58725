package dev.trustctl.echo;

import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.Handler;
import dev.trustctl.wire.FrameCodec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The protocols the engine tests run: the echo, and a second handler whose reply is longer than its request
 * and differs from it in every byte, to prove the seam between the protocol core and a handler carries what a
 * key-value store (week 9) would need. Each knows the reply a request frame should get.
 */
enum Replies {
    ECHO(EchoHandler.INSTANCE),
    /** SHA-256 of the payload, then the payload backwards, cut at the frame limit. */
    DIGEST(new DigestHandler());

    final Handler handler;

    Replies(Handler handler) {
        this.handler = handler;
    }

    /** What the server should send back for one request frame (header included). */
    byte[] to(byte[] requestFrame) {
        if (this == ECHO) {
            return requestFrame;
        }
        return ServerFixture.frame(DigestHandler.digestReply(Arrays.copyOfRange(requestFrame, 4, requestFrame.length)));
    }

    private static final class DigestHandler implements Handler {
        @Override
        public ByteBuffer reply(ByteBuffer message, boolean raw) {
            byte[] bytes = new byte[message.remaining()];
            message.duplicate().get(bytes);
            if (raw) {
                return ByteBuffer.wrap(digestReply(bytes));
            }
            return FrameCodec.encode(digestReply(Arrays.copyOfRange(bytes, FrameCodec.HEADER_BYTES, bytes.length)));
        }

        static byte[] digestReply(byte[] payload) {
            byte[] digest;
            try {
                digest = MessageDigest.getInstance("SHA-256").digest(payload);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] reply = new byte[Math.min(FrameCodec.MAX_PAYLOAD_BYTES, digest.length + payload.length)];
            System.arraycopy(digest, 0, reply, 0, digest.length);
            for (int i = digest.length; i < reply.length; i++) {
                reply[i] = payload[payload.length - 1 - (i - digest.length)];
            }
            return reply;
        }
    }
}
