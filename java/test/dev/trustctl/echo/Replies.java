package dev.trustctl.echo;

import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.FrameHandler;
import dev.trustctl.proto.FramedProtocol;
import dev.trustctl.proto.Protocol;
import dev.trustctl.wire.FrameCodec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The protocols the engine tests run: the echo, and a second handler whose reply is longer than its request
 * and differs from it in every byte, to prove the seam between the protocol core and a handler carries what a
 * key-value store (week 9) would need. Each knows the reply a request frame should get.
 */
enum Replies {
    ECHO(EchoHandler.protocol()),
    /** SHA-256 of the payload, then the payload backwards, cut at the frame limit. */
    DIGEST(FramedProtocol.factory(new DigestHandler()));

    final Protocol.Factory protocols;

    Replies(Protocol.Factory protocols) {
        this.protocols = protocols;
    }

    /** What the server should send back for one request frame (header included). */
    byte[] to(byte[] requestFrame) {
        if (this == ECHO) {
            return requestFrame;
        }
        return ServerFixture.frame(DigestHandler.digestReply(Arrays.copyOfRange(requestFrame, 4, requestFrame.length)));
    }

    private static final class DigestHandler implements FrameHandler {
        @Override
        public List<ByteBuffer> reply(ByteBuffer payload) {
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            return List.of(ByteBuffer.wrap(digestReply(bytes)));
        }

        @Override
        public boolean takesRaw() {
            return true;
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
