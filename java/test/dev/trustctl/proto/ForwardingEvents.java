package dev.trustctl.proto;

/** {@link ProtocolEvents} passed on to another, for a test that notes a few of them. */
public abstract class ForwardingEvents implements ProtocolEvents {
    protected final ProtocolEvents events;

    protected ForwardingEvents(ProtocolEvents events) {
        this.events = events;
    }

    @Override
    public void opened() {
        events.opened();
    }

    @Override
    public void received(int bytes) {
        events.received(bytes);
    }

    @Override
    public void becameRaw() {
        events.becameRaw();
    }

    @Override
    public void replied(String event, boolean numbered, int requestBytes, int replyBytes) {
        events.replied(event, numbered, requestBytes, replyBytes);
    }

    @Override
    public void sent(int bytes) {
        events.sent(bytes);
    }

    @Override
    public String failed(Throwable error) {
        return events.failed(error);
    }

    @Override
    public void closed(String reason) {
        events.closed(reason);
    }
}
