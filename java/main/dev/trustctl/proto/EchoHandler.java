package dev.trustctl.proto;

import java.nio.ByteBuffer;
import java.util.List;

/** The echo: every message goes back exactly as it came, from the very buffer it arrived in; raw text too. */
public enum EchoHandler implements FrameHandler {
    INSTANCE;

    /** The echo on the framing: the protocol every engine serves unless told otherwise. */
    public static Protocol.Factory protocol() {
        return FramedProtocol.factory(INSTANCE);
    }

    @Override
    public List<ByteBuffer> reply(ByteBuffer request) {
        return List.of(request);
    }

    @Override
    public boolean takesRaw() {
        return true;
    }

    @Override
    public String replyEvent() {
        return "frame_echo";
    }

    @Override
    public String rawEvent() {
        return "raw_echo";
    }
}
