package dev.trustctl.proto;

import java.nio.ByteBuffer;

/** The echo: every message goes back exactly as it came, from the very buffer it arrived in. */
public final class EchoHandler implements Handler {
    public static final EchoHandler INSTANCE = new EchoHandler();

    private EchoHandler() {
    }

    @Override
    public ByteBuffer reply(ByteBuffer message, boolean raw) {
        return message;
    }
}
